'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

let root = null;

/** A fresh directory per measurement, so no run sees another's files. */
function freshDir(label) {
  if (root === null) root = fs.mkdtempSync(path.join(process.env.PIDLOCK_BENCH_DIR || os.tmpdir(), 'pidlock-bench-'));
  return fs.mkdtempSync(path.join(root, `${label.replace(/[^a-z0-9]+/gi, '-')}-`));
}

function tmpRoot() {
  if (root === null) freshDir('probe');
  return root;
}

function cleanup() {
  if (root !== null) fs.rmSync(root, { recursive: true, force: true });
  root = null;
}

module.exports = { freshDir, tmpRoot, cleanup };
