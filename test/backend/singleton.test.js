'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, runChild, deadPid, needRoot, stagePackage } = require('../helpers');

const app = fixture('singleton-app.js');
const parse = (r) => {
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.split('\n')[0]);
};

test("the lock file has the original design's name, and the port comes from arg, env or default", () => {
  const dir = tmpDir();
  const byDefault = parse(runChild(app, [dir, '-']));
  assert.equal(byDefault.lockFile, path.join(dir, '.phologtolabstreaminglayer_lock_8080.pid'));
  const byEnv = parse(runChild(app, [dir, '-'], { env: { APP_PORT: '9123' } }));
  assert.equal(byEnv.lockFile, path.join(dir, '.phologtolabstreaminglayer_lock_9123.pid'));
  const byArg = parse(runChild(app, [dir, '7000'], { env: { APP_PORT: '9123' } }));
  assert.equal(byArg.lockFile, path.join(dir, '.phologtolabstreaminglayer_lock_7000.pid'));
  assert.deepEqual(byArg.events, ['running', 'stopped']);
  assert.deepEqual(fs.readdirSync(dir), [], 'released on releaseSingletonLock');
});

test('a second instance is refused while the first runs, and isInstanceRunning says so', async () => {
  const dir = tmpDir();
  const first = startChild(app, [dir, '8080', 'hold']);
  const r1 = JSON.parse(await first.firstLine);
  assert.equal(r1.acquired, true);
  assert.equal(r1.runningBefore, false);
  const r2 = parse(runChild(app, [dir, '8080']));
  assert.equal(r2.runningBefore, true);
  assert.equal(r2.acquired, false);
  assert.deepEqual(r2.events, [], 'hooks are not called when refused');
  first.child.stdin.write('go\n');
  const { out } = await first.exited;
  assert.deepEqual(JSON.parse(out.split('\n')[1]).events, ['running', 'stopped']);
});

test("isInstanceRunning removes a crashed instance's lock and returns false", () => {
  const dir = tmpDir();
  const file = path.join(dir, '.phologtolabstreaminglayer_lock_8080.pid');
  fs.writeFileSync(file, `${deadPid()}\n`);
  class App extends pkg.SingletonInstance {
    static singletonLockName = 'phologtolabstreaminglayer';
    static singletonDefaultPort = 8080;
    static singletonLockDir = dir;
  }
  assert.equal(App.isInstanceRunning(), false);
  assert.equal(fs.existsSync(file), false, 'the stale file is removed');
  const a = new App();
  assert.equal(a.acquireSingletonLock(), true);
  assert.equal(App.isInstanceRunning(), true, 'held by this very process');
  assert.equal(a.getLockFilePath(), file);
  a.releaseSingletonLock();
  assert.equal(fs.existsSync(file), false);
});

test('isInstanceRunning warns and returns false on errors', () => {
  const warnings = [];
  const dir = tmpDir();
  fs.mkdirSync(path.join(dir, '.x_lock_1.pid')); // a directory where the lock file should be
  class App extends pkg.SingletonInstance {
    static singletonLockName = 'x';
    static singletonLockDir = dir;
    static onSingletonWarning = (w) => warnings.push(w.code);
  }
  assert.equal(App.isInstanceRunning(1), false);
  assert.deepEqual(warnings, ['PIDLOCK_CHECK_FAILED']);
});

test(
  "releaseSingletonLock leaves another instance's lock alone",
  {
    skip:
      process.platform === 'win32' &&
      "Windows cannot delete a held lock (native) or reuse its name while the holder's handle keeps it delete-pending (JS)",
  },
  () => {
    const dir = tmpDir();
    class App extends pkg.SingletonInstance {
      static singletonLockName = 'rel';
      static singletonLockDir = dir;
    }
    const a = new App();
    assert.equal(a.acquireSingletonLock(1), true);
    const file = a._lockFile;
    fs.unlinkSync(file);
    fs.writeFileSync(file, '1\n');
    const warnings = [];
    App.onSingletonWarning = (w) => warnings.push(w.code);
    a.releaseSingletonLock();
    assert.equal(fs.readFileSync(file, 'latin1'), '1\n');
    assert.deepEqual(warnings, ['PIDLOCK_REPLACED']);
  },
);

test(
  'fail-open: an unwritable lock directory warns and lets startup continue (unprivileged)',
  { skip: process.platform === 'win32' && 'needs setpriv (POSIX)' },
  (t) => {
    if (!needRoot(t)) return;
    const staged = stagePackage();
    const dir = tmpDir();
    fs.chmodSync(dir, 0o755); // root-owned: uid 65534 may read but not create
    const env = { PIDLOCK_PKG: staged.root };
    const r = parse(runChild(staged.fixture('singleton-app.js'), [dir, '8080'], { uid: 65534, env }));
    assert.equal(r.acquired, true, 'startup continues');
    assert.deepEqual(r.warnings, ['PIDLOCK_UNAVAILABLE']);
    assert.deepEqual(r.events, ['running', 'stopped']);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was written');
    // The strict API refuses with a typed error instead.
    const lockPath = path.join(dir, '.x_lock.pid');
    const s = runChild(staged.fixture('try-once.js'), [lockPath], { uid: 65534, env });
    assert.equal(s.status, 0, s.stderr);
    assert.deepEqual(JSON.parse(s.stdout).error, { name: 'PidLockError', code: 'EACCES', path: lockPath });
  },
);

test(
  'a live lock of another user is respected by an unprivileged instance',
  { skip: process.platform === 'win32' && 'needs setpriv (POSIX)' },
  async (t) => {
    if (!needRoot(t)) return;
    const staged = stagePackage();
    const dir = tmpDir();
    const holder = startChild(staged.fixture('singleton-app.js'), [dir, '8080', 'hold'], { env: { PIDLOCK_PKG: staged.root } });
    assert.equal(JSON.parse(await holder.firstLine).acquired, true);
    try {
      // uid 65534 cannot signal root's process (EPERM): unknown liveness means held.
      const r = parse(runChild(staged.fixture('singleton-app.js'), [dir, '8080'], { uid: 65534, env: { PIDLOCK_PKG: staged.root } }));
      assert.equal(r.runningBefore, true);
      assert.equal(r.acquired, false);
    } finally {
      holder.child.stdin.write('go\n');
      await holder.exited;
    }
  },
);
