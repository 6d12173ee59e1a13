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
  // Both floors include floor-calls.h: a change there rebuilds them too.
  const sources = [SRC, path.join(__dirname, '..', 'floor-calls.h')];
  const fresh = fs.existsSync(BIN) && sources.every((f) => fs.statSync(BIN).mtimeMs >= fs.statSync(f).mtimeMs);
  if (!fresh) {
    const cc = process.env.CC || 'cc';
    execFileSync(cc, ['-O2', '-Wall', '-o', BIN, SRC], { stdio: 'inherit' });
  }
  return BIN;
}

/**
 * bench/floor-addon.c as a .node beside a one-line index.js, in bench/.out/floor-addon/;
 * returns that directory. Node's headers: beside this Node, else Debian's /usr/include/node.
 */
function buildFloorAddon() {
  const SRC = path.join(__dirname, '..', 'floor-addon.c');
  const dir = path.join(OUT_DIR, 'floor-addon');
  const bin = path.join(dir, 'floor.node');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'index.js'), "module.exports = require('./floor.node');\n");
  if (!(fs.existsSync(bin) && fs.statSync(bin).mtimeMs >= fs.statSync(SRC).mtimeMs)) {
    const include = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) =>
      fs.existsSync(path.join(d, 'node_api.h')),
    );
    if (!include)
      throw new Error("no node_api.h beside this Node or in /usr/include/node: Node's headers are needed for the cold-load floor");
    const cc = process.env.CC || 'cc';
    execFileSync(cc, ['-O2', '-shared', '-fPIC', `-I${include}`, '-o', bin, SRC], { stdio: 'inherit' });
  }
  return dir;
}

module.exports = { buildFloor, buildFloorAddon, OUT_DIR };
