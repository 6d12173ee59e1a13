'use strict';
// Loads one module of src/ by itself, so unit tests reach internal functions
// without going through the package entry point (and its backend). Uses the
// build's bundle of that module (dist/internal/src/, scripts/build.js) when it
// exists; otherwise bundles the
// TypeScript in memory with esbuild (a dev dependency whose binary exists only
// for the host platform, so emulated runs need the dist/ files).
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

function loadSrc(rel) {
  const built = path.join(root, 'dist', 'internal', 'src', rel.replace(/\.ts$/, '.js'));
  if (fs.existsSync(built)) return require(built);
  const file = path.join(root, 'src', rel);
  const { outputFiles } = require('esbuild').buildSync({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'warning',
  });
  const m = new Module(file, module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(outputFiles[0].text, file);
  return m.exports;
}

module.exports = { loadSrc };
