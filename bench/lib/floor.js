'use strict';
// Compiles bench/floor.c with the machine's cc into bench/.out/ (gitignored).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SRC = path.join(__dirname, '..', 'floor.c');
const OUT_DIR = path.join(__dirname, '..', '.out');
const BIN = path.join(OUT_DIR, 'floor');

function buildFloor() {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const fresh = fs.existsSync(BIN) && fs.statSync(BIN).mtimeMs >= fs.statSync(SRC).mtimeMs;
  if (!fresh) {
    const cc = process.env.CC || 'cc';
    execFileSync(cc, ['-O2', '-Wall', '-o', BIN, SRC], { stdio: 'inherit' });
  }
  return BIN;
}

module.exports = { buildFloor, OUT_DIR };
