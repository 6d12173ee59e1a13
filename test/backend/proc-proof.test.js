'use strict';
// /proc is evidence only when it is ours, and then it is proof both ways:
// - no usable /proc (none, or the host's after unshare -fp): liveness from kill()
//   alone, so a live holder is never called dead;
// - our own PID in a lock: whether any thread of ours has the file open decides,
//   whatever the file's mtime says.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { checkBackend, pkg, tmpDir, fixture, needRoot, stagePackage } = require('../helpers');

const linuxOnly = { skip: process.platform !== 'linux' && 'Linux /proc only' };

const UNSHARE = { empty: ['--pid', '--fork', '--mount'], host: ['--pid', '--fork'], hidepid: ['--pid', '--fork', '--mount-proc'] };

function noProc(mode, holderBackend) {
  const dir = tmpDir('pidlock-noproc-');
  // The hidepid case runs its second process as nobody, which needs a readable copy of the package.
  const staged = mode === 'hidepid' ? stagePackage() : null;
  const script = staged ? staged.fixture('noproc.js') : fixture('noproc.js');
  const r = spawnSync('unshare', [...UNSHARE[mode], process.execPath, script, mode, dir, holderBackend], {
    encoding: 'utf8',
    timeout: 30_000,
    env: staged ? { ...process.env, PIDLOCK_PKG: staged.root } : process.env,
  });
  assert.equal(r.error, undefined, `unshare failed to run: ${r.error}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() || '{}');
  assert.equal(out.error, undefined, `failed inside the namespace: ${out.error}\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  return out;
}

for (const [mode, what] of [
  ['empty', 'an empty tmpfs over /proc (a chroot or minimal container)'],
  ['host', "the host's /proc (unshare -fp without --mount-proc)"],
]) {
  for (const holderBackend of ['js', 'native']) {
    test(`no usable /proc, ${what}: a live ${holderBackend} holder is refused to a second process, own PID alive`, linuxOnly, (t) => {
      if (!needRoot(t)) return;
      const out = noProc(mode, holderBackend);
      assert.match(out.holderLine, new RegExp(`^acquired \\d+ ${holderBackend}$`));
      assert.notEqual(out.procSelf, String(out.nsPid), 'the fixture must really lack our /proc');
      assert.equal(out.holderInHostProc, false, "the holder's PID must have no entry in this /proc");
      const c = out.contender;
      assert.equal(c.error, undefined, c.error);
      checkBackend(c.backend, 'the checker');
      assert.equal(c.ownAlive, true, 'isProcessAlive(own pid)');
      assert.equal(c.holderAlive, true, 'the holder answers kill(pid, 0)');
      // Whatever /proc says here describes other processes (or nothing): no start times from it.
      assert.equal(c.ownStart, null);
      assert.equal(c.holderStart, null);
      assert.deepEqual(c.owner, { pid: out.holderPid, alive: true, stale: false });
      assert.equal(c.tryAcquire, false, 'a second holder while the first lives');
      assert.equal(c.removeStale, false);
      assert.equal(c.fileNames, out.holderPid, "the holder's file is untouched");
      assert.equal(out.fileAfter, false, 'the holder released its own lock');
    });
  }
}

test('our /proc refuses the read (hidepid=1, a checker with CAP_KILL as nobody): unknown, never dead', linuxOnly, (t) => {
  if (!needRoot(t)) return;
  // A JS holder: a native one would be proven alive by its kernel lock before /proc is asked.
  const out = noProc('hidepid', 'js');
  assert.match(out.holderLine, /^acquired \d+ js$/);
  assert.equal(out.procSelf, String(out.nsPid), 'this /proc is ours');
  const c = out.contender;
  assert.equal(c.error, undefined, c.error);
  checkBackend(c.backend, 'the checker');
  assert.equal(c.ownAlive, true);
  // kill() reached it, and EPERM from /proc is not "no such entry": it cannot be checked.
  assert.equal(c.holderAlive, null);
  assert.equal(c.holderStart, null);
  assert.deepEqual(c.owner, { pid: out.holderPid, alive: null, stale: false });
  assert.equal(c.tryAcquire, false);
  assert.equal(c.removeStale, false);
  assert.equal(c.fileNames, out.holderPid);
  assert.equal(out.fileAfter, false);
});

/** A worker thread of this process that holds `file` until told to release. */
async function workerHolder(file) {
  const w = new Worker(fixture('thread-holder.js'), { workerData: { file } });
  const next = () =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  const first = await next();
  return {
    ...first,
    async release() {
      w.postMessage('release');
      const r = await next();
      await w.terminate();
      return r.released;
    },
  };
}

test('own PID held by a worker thread, mtime before this process started (clock stepped back): refused', linuxOnly, async () => {
  const dir = tmpDir();
  const file = path.join(dir, 'worker.lock');
  const w = await workerHolder(file);
  try {
    assert.equal(w.ok, true, 'the worker acquires');
    checkBackend(w.backend, 'the worker');
    const old = (Date.now() - process.uptime() * 1000) / 1000 - 3600;
    fs.utimesSync(file, old, old);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false, 'the worker holds it');
    assert.deepEqual(lock.owner(), { pid: process.pid, alive: true, stale: false });
    assert.equal(pkg.removeStaleLock(file), false);
    assert.equal(fs.readFileSync(file, 'utf8'), `${process.pid}\n`);
  } finally {
    assert.equal(await w.release(), true, "the worker's lock is still its own");
  }
  assert.equal(fs.existsSync(file), false);
});

test('own PID, mtime in the future, open by no thread of ours: not ours, taken over', linuxOnly, () => {
  const dir = tmpDir();
  const file = path.join(dir, 'future.lock');
  fs.writeFileSync(file, `${process.pid}\n`);
  const future = Date.now() / 1000 + 3600;
  fs.utimesSync(file, future, future);
  const lock = new pkg.PidLock({ path: file });
  assert.deepEqual(lock.owner(), { pid: process.pid, alive: true, stale: true });
  assert.equal(lock.tryAcquire(), true);
  assert.ok(fs.statSync(file).mtimeMs <= Date.now() + 1000, 'the file is our fresh lock');
  assert.equal(lock.release(), true);
});
