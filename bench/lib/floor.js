'use strict';
// Compiles bench/<name>.c (floor.c, floor-wake.c) with the machine's cc into bench/.out/ (gitignored).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const OUT_DIR = path.join(__dirname, '..', '.out');

function buildFloor(name = 'floor') {
  const SRC = path.join(__dirname, '..', `${name}.c`);
  const BIN = path.join(OUT_DIR, name);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const fresh = fs.existsSync(BIN) && fs.statSync(BIN).mtimeMs >= fs.statSync(SRC).mtimeMs;
  if (!fresh) {
    const cc = process.env.CC || 'cc';
    execFileSync(cc, ['-O2', '-Wall', '-o', BIN, SRC], { stdio: 'inherit' });
  }
  return BIN;
}

module.exports = { buildFloor, OUT_DIR };
