'use strict';
// A thread blocked in acquireSync() runs no JS. What still reaches it, with real
// processes: SIGINT/SIGTERM (a waiter that holds nothing dies as it would without
// the package; one that holds locks releases them and dies), worker.terminate()
// (within a second), and a wait on a lock this very thread holds (EDEADLK at
// once).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep } = require('../helpers');

const posixOnly = process.platform === 'win32' && 'POSIX signals: Windows kill() terminates without running handlers';
// Bounds are generous (the machine may be loaded, or emulated: scripts/cross/ci.sh
// sets the scale); the measured times are printed.
const SCALE = Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1);
const DEATH_BOUND_MS = 3000 * SCALE;
const WATCH_MS = 1500;

async function lockHeld() {
  const dir = tmpDir('pidlock-blocked-');
  const file = path.join(dir, 'busy.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  assert.match(await holder.firstLine, /^acquired /);
  return { dir, file, holder };
}

/**
 * Until the child's main thread sleeps in the kernel outside its event loop
 * (poll: the native wait; futex: Atomics.wait), or 5 s: only the test's power to
 * fail without the fix depends on it, not its verdict. Elsewhere than Linux, a pause.
 */
async function blocked(pid) {
  if (process.platform !== 'linux') return sleep(500 * SCALE);
  const until = Date.now() + 5000 * SCALE;
  for (;;) {
    let wchan;
    try {
      wchan = fs.readFileSync(`/proc/${pid}/wchan`, 'utf8');
    } catch {
      return; // exited: the caller's assertions say how
    }
    if ((/poll|futex/.test(wchan) && !/ep_poll/.test(wchan)) || Date.now() > until) return;
    await sleep(20);
  }
}

/** Sends `signal` once the child is blocked; resolves with how it ended and how long that took. */
async function signalBlocked(run, signal, t) {
  const pid = Number((await run.firstLine).split(' ')[1]);
  await blocked(pid);
  const t0 = performance.now();
  run.child.kill(signal);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const end = await run.exited;
  clearTimeout(timer);
  const ms = Math.round(performance.now() - t0);
  t.diagnostic(`${pkg.backend}: ${signal} to death: ${ms} ms`);
  return { ...end, ms };
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  test(
    `a waiter blocked in acquireSync() that holds nothing dies by ${signal} at once, also after it held and released a lock`,
    { skip: posixOnly },
    async (t) => {
      const { dir, file, holder } = await lockHeld();
      try {
        // Having held a lock, the process keeps the exit hook's listeners: the wait must not let them swallow the signal.
        for (const args of [[file], [file, path.join(dir, 'earlier.pid'), 'released']]) {
          const run = startChild(fixture('blocked-waiter.js'), args);
          const end = await signalBlocked(run, signal, t);
          assert.equal(
            end.signal,
            signal,
            `${args.length > 1 ? 'after a release: ' : ''}ended by the signal, not carrying on: code ${end.code}, stdout ${end.out}, stderr ${end.err}`,
          );
          assert.ok(end.ms < DEATH_BOUND_MS, `took ${end.ms} ms`);
        }
      } finally {
        holder.child.kill('SIGKILL');
      }
    },
  );
}

test(
  'a waiter blocked in acquireSync() that holds another lock dies by SIGTERM promptly, and that lock is free',
  { skip: posixOnly },
  async (t) => {
    const { dir, file, holder } = await lockHeld();
    try {
      const other = path.join(dir, 'mine.pid');
      const run = startChild(fixture('blocked-waiter.js'), [file, other]);
      const end = await signalBlocked(run, 'SIGTERM', t);
      assert.equal(end.signal, 'SIGTERM', `code ${end.code}, stdout ${end.out}, stderr ${end.err}`);
      assert.ok(end.ms < DEATH_BOUND_MS, `took ${end.ms} ms`);
      if (pkg.backend === 'native') {
        // Woken by the signal: it released its lock before dying.
        assert.equal(fs.existsSync(other), false, 'the native waiter deleted its lock on the way out');
      } else {
        // Nothing wakes Atomics.wait: the default action ended it, and its lock names a dead PID.
        assert.equal(fs.readFileSync(other, 'utf8'), `${run.child.pid}\n`);
      }
      const next = new pkg.PidLock({ path: other });
      assert.equal(next.tryAcquire(), true, "the dead waiter's lock is taken");
      next.release();
    } finally {
      holder.child.kill('SIGKILL');
    }
  },
);

test(
  "with the app's own SIGINT listener, the native acquireSync() ends with EINTR and the listener runs",
  { skip: posixOnly || (pkg.backend !== 'native' && 'the JS backend cannot wake a blocked thread: README, "Signals and blocked threads"') },
  async (t) => {
    const { dir, file, holder } = await lockHeld();
    try {
      const other = path.join(dir, 'mine.pid');
      const run = startChild(fixture('blocked-waiter.js'), [file, other, 'listen']);
      const end = await signalBlocked(run, 'SIGINT', t);
      assert.deepEqual({ code: end.code, signal: end.signal }, { code: 7, signal: null }, end.err);
      assert.equal(end.out.split('\n').slice(1).join('\n'), 'threw EINTR\napp got SIGINT\n');
      assert.ok(end.ms < DEATH_BOUND_MS, `took ${end.ms} ms`);
      // The app exited: the exit hook released its lock.
      assert.equal(fs.existsSync(other), false);
    } finally {
      holder.child.kill('SIGKILL');
    }
  },
);

/** How often process `pid`'s main thread has gone to sleep in the kernel (its voluntary context switches). */
function mainThreadSleeps(pid) {
  return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'latin1'))[1]);
}

test(
  "the main thread's acquireSync() on a watched holder sleeps in one poll(), not one per 250 ms",
  {
    skip:
      (pkg.backend !== 'native' && 'the JS backend waits in Atomics.wait on its timer') ||
      (process.platform !== 'linux' && "a thread's sleeps are read from /proc"),
  },
  async (t) => {
    const { file, holder } = await lockHeld();
    try {
      const run = startChild(fixture('blocked-waiter.js'), [file]);
      const pid = Number((await run.firstLine).split(' ')[1]);
      await blocked(pid);
      // The holder proven (its lock file open, its exit watched), the wait is armed for 10 s.
      await sleep(300 * SCALE);
      const before = mainThreadSleeps(pid);
      await sleep(WATCH_MS);
      const slept = mainThreadSleeps(pid) - before;
      run.child.kill('SIGKILL');
      t.diagnostic(`main thread went to sleep ${slept} times in ${WATCH_MS} ms`);
      // Woken every 250 ms (what a worker needs, for terminate()), it would be 6.
      assert.ok(slept <= 1, `the main thread went back to sleep ${slept} times in ${WATCH_MS} ms`);
    } finally {
      holder.child.kill('SIGKILL');
    }
  },
);

test('worker.terminate() of a worker blocked in acquireSync() returns within a second', async (t) => {
  const { file, holder } = await lockHeld();
  try {
    const run = startChild(fixture('worker-waiter.js'), [file]);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), 30_000);
    const line = await run.firstLine;
    clearTimeout(timer);
    const { terminateMs } = JSON.parse(line);
    t.diagnostic(`${pkg.backend}: terminate() took ${terminateMs} ms`);
    assert.ok(terminateMs < 2000 * SCALE, `terminate() took ${terminateMs} ms`);
    assert.equal((await run.exited).code, 0);
  } finally {
    holder.child.kill('SIGKILL');
  }
});

test('acquireSync() on a lock this thread holds through another PidLock or the singleton throws EDEADLK at once', async () => {
  const file = path.join(tmpDir('pidlock-deadlk-'), 'self.pid');
  const run = startChild(fixture('self-deadlock.js'), [file]);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const end = await run.exited;
  clearTimeout(timer);
  assert.equal(end.signal, null, 'still blocked after 20 s: acquireSync() waited for itself');
  assert.equal(end.code, 0, end.err);
  const out = JSON.parse(end.out);
  assert.equal(out.plain.code, 'EDEADLK');
  assert.equal(out.plain.name, 'PidLockError');
  assert.equal(out.plain.path, file);
  assert.match(out.plain.message, /already holds it through another PidLock/);
  assert.ok(out.ms < 1000 * SCALE, `threw after ${out.ms} ms`);
  assert.equal(out.singleton, 'EDEADLK');
  assert.equal(out.async, true);
});
