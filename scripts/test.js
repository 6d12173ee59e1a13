#!/usr/bin/env node
'use strict';
// Runs test/unit/ once (pure functions, no addon, no backend), then the whole
// suite once per backend: the native addon, then the pure-JS fallback
// (PIDLOCK_NO_NATIVE=1). Children inherit the choice. Each run asserts the
// backend it expects, so a silent fallback cannot pass as "native".
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const testFiles = (dir) =>
  fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.test.js')).sort().map((f) => path.join(dir, f));
const isUnit = (f) => path.normalize(f).split(path.sep).includes('unit');
const unitFiles = only.length ? only.filter(isUnit) : testFiles(path.join('test', 'unit'));
const files = only.length ? only.filter((f) => !isUnit(f)) : testFiles('test');
const backends = (process.env.PIDLOCK_TEST_BACKENDS || 'native,js').split(',');

const totals = { pass: 0, fail: 0, skipped: 0 };
const lines = [];
const runs = [];
if (unitFiles.length > 0) runs.push({ label: 'unit', backend: null, files: unitFiles });
if (files.length > 0) for (const backend of backends) runs.push({ label: backend, backend, files });
for (const { label, backend, files } of runs) {
  console.log(backend === null ? '\n=== unit (once, no backend) ===' : `\n=== backend: ${backend} ===`);
  const env = { ...process.env };
  // Node parses this CA bundle at every start-up. The suite starts ~250 Node
  // processes and none uses TLS; under qemu the parse doubles each start-up's
  // CPU (1.7 s -> 0.9 s without it), under Wine it costs 0.3 s.
  delete env.NODE_EXTRA_CA_CERTS;
  if (backend !== null) env.PIDLOCK_EXPECT_BACKEND = backend;
  if (backend === 'js') env.PIDLOCK_NO_NATIVE = '1';
  else delete env.PIDLOCK_NO_NATIVE;
  // --test-timeout bounds each test file as a whole (a hung child fails instead of
  // hanging the run); 10 min leaves room for the slowest file under qemu.
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=600000', ...files], {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(r.stdout);
  const count = (name) => Number((new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(r.stdout) || [])[1] || 0);
  const pass = count('pass');
  const fail = count('fail') + count('cancelled') + (r.status !== 0 && count('fail') === 0 ? 1 : 0);
  const skipped = count('skipped') + count('todo');
  totals.pass += pass;
  totals.fail += fail;
  totals.skipped += skipped;
  lines.push(`${label}: ${pass} passed, ${fail} failed, ${skipped} skipped`);
}
console.log('');
for (const l of lines) console.log(l);
console.log(`total: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail === 0 && totals.pass > 0 ? 0 : 1);
