'use strict';
// A holder's whole tenure, from publish to release: the kernel lock is there
// throughout, a failed release leaves the lock held (so it can still be
// released), and a terminated worker thread does not wedge its locks.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { pkg, root, tmpDir, fixture, startChild, needRoot, stagePackage } = require('./helpers');

const NOBODY = 65534;

/** One tryAcquire() in a fresh process; the lock is released when it exits. */
function tryElsewhere(file, { uid, pkgRoot = root } = {}) {
  const code = `const p = require(${JSON.stringify(pkgRoot)}); process.stdout.write(String(new p.PidLock({ path: ${JSON.stringify(file)} }).tryAcquire()))`;
  const argv = ['-e', code];
  const r = uid === undefined
    ? spawnSync(process.execPath, argv, { encoding: 'utf8' })
    : spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, ...argv], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout === 'true';
}

function ownDir() {
  const dir = path.join(tmpDir(), 'own');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chownSync(dir, NOBODY, NOBODY);
  return dir;
}

test('a release that fails (its directory made unwritable) keeps the lock held; the retry releases it and another process takes it', async (t) => {
  if (!needRoot(t)) return;
  const staged = stagePackage();
  const dir = ownDir();
  const holder = startChild(staged.fixture('release-retry.js'), [dir, 'retry'], { uid: NOBODY, env: { PIDLOCK_PKG: staged.root } });
  const r = JSON.parse(await holder.firstLine);
  assert.deepEqual(r, { failure: 'EACCES', heldAfterFailure: true, retried: true, heldAfterRetry: false });
  assert.equal(fs.existsSync(path.join(dir, 'app.lock')), false, 'the retried release deleted the lock file');
  // The first process still lives: only a real release lets this one in.
  assert.equal(tryElsewhere(path.join(dir, 'app.lock'), { uid: NOBODY, pkgRoot: staged.root }), true);
  holder.child.stdin.end('bye\n');
  await holder.exited;
});

test('a release that fails is finished by the exit hook once the directory is writable again', async (t) => {
  if (!needRoot(t)) return;
  const staged = stagePackage();
  const dir = ownDir();
  const holder = startChild(staged.fixture('release-retry.js'), [dir, 'exit'], { uid: NOBODY, env: { PIDLOCK_PKG: staged.root } });
  assert.deepEqual(JSON.parse(await holder.firstLine), { failure: 'EACCES', heldAfterFailure: true });
  const { code } = await holder.exited;
  assert.equal(code, 0);
  assert.deepEqual(fs.readdirSync(dir), [], 'the exit hook deleted the lock file');
});

test('a worker terminated while it holds a lock: native releases it at the worker\'s teardown; JS keeps it until the process exits (documented)', async () => {
  const file = path.join(tmpDir(), 'worker.lock');
  const host = startChild(fixture('worker-holder.js'), [file]);
  const r = JSON.parse(await host.firstLine);
  assert.equal(r.acquired, true);
  if (pkg.backend === 'native') {
    assert.equal(r.exists, false, 'the terminated worker\'s lock file is gone');
    assert.equal(host.child.exitCode, null, 'the host process still runs');
    assert.equal(tryElsewhere(file), true, 'another process takes the lock while the host lives');
  } else {
    // No JS runs in a terminated worker, and nothing else knows what it held.
    assert.equal(tryElsewhere(file), false, 'the JS backend keeps it while the host lives');
    host.child.stdin.end();
    await host.exited;
    assert.equal(tryElsewhere(file), true, 'the host has exited: its lock is stale');
  }
  host.child.stdin.end();
  await host.exited;
});
