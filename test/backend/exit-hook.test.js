'use strict';
// The exit hook (src/exit-hook.ts) with real processes: it needs no runtime
// dependency (a bundle that leaves the package's dependencies external once
// failed with "Cannot find module 'signal-exit'"), it leaves a signal to the
// app's own listener, and two copies of the package in one process do not take
// each other for the app.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, checkBackend, tmpDir, fixture, startChild, runChild } = require('../helpers');

const posixOnly = process.platform === 'win32' && 'Windows kill() terminates without running handlers';

/** The built package alone, without node_modules, where no parent directory has any. */
function bareCopy() {
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-bare-'));
  for (const rel of ['package.json', 'dist', 'build/Release', 'prebuilds']) {
    const from = path.join(root, rel);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, rel), { recursive: true });
  }
  return dest;
}

test('package.json lists no runtime dependency but the addon build tools', () => {
  const { dependencies } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  // node-addon-api is read by node-gyp at build time; node-gyp-build only by an
  // unbundled package's last loader fallback, inside a try.
  assert.deepEqual(Object.keys(dependencies ?? {}).sort(), ['node-addon-api', 'node-gyp-build']);
});

test(
  'a copy of the package without node_modules takes a lock, and SIGTERM releases it and ends the process',
  { skip: posixOnly },
  async () => {
    const bare = bareCopy();
    const file = path.join(tmpDir(), 'bare.pid');
    const app = startChild(fixture('hook-app.js'), [file], { env: { PIDLOCK_PKG: bare } });
    assert.match(await app.firstLine, /^acquired /);
    app.child.kill('SIGTERM');
    const end = await app.exited;
    assert.equal(end.signal, 'SIGTERM', `code ${end.code}: ${end.err}`);
    assert.equal(fs.existsSync(file), false, 'released on SIGTERM');
    // On the backend this run is about: the copy finds its addon by itself.
    const r = runChild(fixture('load.js'), [bare, bare]);
    assert.equal(r.status, 0, r.stderr);
    checkBackend(JSON.parse(r.stdout).backend, 'the copy');
  },
);

test("with the app's own SIGTERM listener, the app decides: the lock stays until it exits", { skip: posixOnly }, async () => {
  const file = path.join(tmpDir(), 'app.pid');
  const app = startChild(fixture('hook-app.js'), [file, '-', 'listen']);
  assert.match(await app.firstLine, /^acquired /);
  app.child.kill('SIGTERM');
  const end = await app.exited;
  assert.deepEqual({ code: end.code, signal: end.signal }, { code: 5, signal: null }, end.err);
  assert.match(end.out, /app got SIGTERM; lock still there: true/);
  assert.equal(fs.existsSync(file), false, 'released on exit');
});

test('two copies of the package in one process both release on SIGTERM, and the process ends by it', { skip: posixOnly }, async () => {
  const dir = tmpDir();
  const [a, b] = [path.join(dir, 'a.pid'), path.join(dir, 'b.pid')];
  const app = startChild(fixture('hook-app.js'), [a, b], { env: { PIDLOCK_PKG2: bareCopy() } });
  assert.match(await app.firstLine, /^acquired /);
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 10_000);
  const end = await app.exited;
  clearTimeout(timer);
  assert.equal(end.signal, 'SIGTERM', `each copy took the other's listener for the app's: code ${end.code}, ${end.err}`);
  assert.equal(fs.existsSync(a), false);
  assert.equal(fs.existsSync(b), false);
});
