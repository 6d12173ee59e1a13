'use strict';
// Waiters are woken by the kernel, not only by their timer. Every waiter here
// polls only once a minute (retryInterval 60 s), so getting the lock within the
// test's bound can only come from a wake: the holder's exit (native backend) or
// the lock's name changing in its directory. No timing is asserted beyond
// "before the next timed look could have happened".
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { pkg, tmpDir, fixture, startChild, runChild, sideFileHolder, deadPid, sleep, ballotOf } = require('../helpers');

const native = pkg.backend === 'native';
const SLOW = '60000'; // retryInterval: far past the bound below
const BOUND_MS = 20000; // a woken waiter needs milliseconds; its timer would need 45+ s

async function lineOf(c, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no '${what}' line within ${BOUND_MS} ms: the waiter was not woken; output: ${c.output()} ${c.stderr()}`)),
      BOUND_MS,
    );
  });
  try {
    return await Promise.race([c.firstLine.then(() => nextLine(c, what)), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the first output line starting with `what`. */
function nextLine(c, what) {
  return new Promise((resolve, reject) => {
    const look = () => {
      const line = c
        .output()
        .split('\n')
        .find((l) => l.startsWith(what));
      if (line) return resolve(line);
      if (c.child.exitCode !== null || c.child.signalCode !== null)
        return reject(new Error(`waiter exited before '${what}': ${c.output()} ${c.stderr()}`));
      setTimeout(look, 5);
    };
    look();
  });
}

/**
 * Until the waiter is blocked in its wait. A sync waiter cannot say so itself;
 * on Linux its open pidfd on the holder (or its inotify watch) shows it.
 */
async function blocked(waiterPid, holderPid, kind) {
  if (process.platform !== 'linux' || !native) return sleep(300);
  const want = kind === 'exit' ? new RegExp(`^Pid:\\s+${holderPid}$`, 'm') : /^inotify wd:/m;
  const fdinfo = `/proc/${waiterPid}/fdinfo`;
  for (let i = 0; i < 2000; i++) {
    for (const fd of fs.readdirSync(fdinfo)) {
      try {
        if (want.test(fs.readFileSync(path.join(fdinfo, fd), 'latin1'))) return undefined;
      } catch {
        // closed meanwhile
      }
    }
    await sleep(5);
  }
  throw new Error(`waiter ${waiterPid} never opened its ${kind} watch`);
}

async function holderAndWaiter(mode, retryInterval = SLOW, timeout = '60000') {
  const file = path.join(tmpDir(), 'wake.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  const [state, holderPid] = (await holder.firstLine).split(' ');
  assert.equal(state, 'acquired');
  const waiter = startChild(fixture('waiter.js'), [file, mode, retryInterval, timeout]);
  const [w, waiterPid] = (await waiter.firstLine).split(' ');
  assert.equal(w, 'waiting');
  return { file, holder, waiter, holderPid: Number(holderPid), waiterPid: Number(waiterPid) };
}

async function finish(waiter, file) {
  assert.equal(fs.readFileSync(file, 'latin1'), `${waiter.child.pid}\n`, 'the waiter holds the lock');
  waiter.child.stdin.write('release\n');
  assert.equal((await waiter.exited).code, 0);
}

for (const mode of ['async', 'sync']) {
  const call = mode === 'async' ? 'acquire()' : 'acquireSync()';

  test(
    `${call} with a 60 s retryInterval takes over as soon as the holder is SIGKILLed (native: exit watch)`,
    { skip: !native && 'the JS backend has no exit watch: see the timer case below' },
    async () => {
      const { file, holder, waiter, holderPid, waiterPid } = await holderAndWaiter(mode);
      await blocked(waiterPid, holderPid, 'exit');
      holder.child.kill('SIGKILL');
      await holder.exited;
      assert.match(await lineOf(waiter, 'acquired'), /^acquired \d+$/);
      await finish(waiter, file);
    },
  );

  test(
    `${call} with a 60 s retryInterval gets the lock as soon as the holder releases (lock file watch)`,
    { skip: mode === 'sync' && !native && 'acquireSync() on the JS backend has only its timer: see below' },
    async (t) => {
      if (mode === 'sync' && process.platform !== 'linux')
        return t.skip('acquireSync() is proven to watch the lock file on Linux only (inotify; the kqueue watch has never run on a Mac)');
      const { file, holder, waiter, waiterPid, holderPid } = await holderAndWaiter(mode);
      await blocked(waiterPid, holderPid, 'dir');
      holder.child.stdin.write('release\n');
      assert.equal((await holder.exited).code, 0);
      assert.match(await lineOf(waiter, 'acquired'), /^acquired \d+$/);
      await finish(waiter, file);
    },
  );
}

test(
  "without an exit watch (JS backend) a SIGKILLed holder's lock is taken at the next timed look, not before",
  { skip: native && 'the native backend watches the exit' },
  async () => {
    for (const mode of ['async', 'sync']) {
      // The only look after the first is the one at the deadline (retryInterval > timeout).
      const { file, holder, waiter } = await holderAndWaiter(mode, SLOW, '1500');
      await sleep(200);
      holder.child.kill('SIGKILL');
      await holder.exited;
      const line = await lineOf(waiter, 'acquired');
      assert.ok(Number(line.split(' ')[1]) >= 1500, `${mode}: took over at its deadline's look, not woken by the exit (${line})`);
      await finish(waiter, file);
    }
  },
);

test(
  'acquireSync() on the JS backend sees a release only at its next timed look',
  { skip: native && 'the native backend watches the lock file' },
  async () => {
    const { file, holder, waiter } = await holderAndWaiter('sync', SLOW, '1500');
    await sleep(200);
    holder.child.stdin.write('release\n');
    await holder.exited;
    const line = await lineOf(waiter, 'acquired');
    assert.ok(Number(line.split(' ')[1]) >= 1500, `took the lock at its deadline's look (${line})`);
    await finish(waiter, file);
  },
);

test('a refused acquire() or acquireSync() installs the exit hook and starts the watchdog, so the takeover or hand-off that follows does not pay for them', async () => {
  const file = path.join(tmpDir(), 'hook.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  await holder.firstLine;
  try {
    for (const call of ['acquire', 'acquireSync']) {
      const r = runChild(fixture('first-wait.js'), [file, call, String(300 * Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1))]);
      assert.equal(r.status, 0, r.stderr);
      const { ok, before, after, intervals } = JSON.parse(r.stdout);
      assert.equal(ok, false, 'the lock stayed held');
      assert.equal(before, 0);
      // A blocked acquireSync() cannot run them: the signal still ends it (test/backend/blocked-waits.test.js).
      assert.ok(after > 0, `the exit hook listens for SIGTERM after ${call}()'s wait`);
      // Node's first interval timer (0.3-0.6 ms cold) is paid inside the wait: a
      // blocked acquireSync() would otherwise run the start it deferred right
      // after it returned, ahead of the caller's promise continuations.
      assert.deepEqual(intervals, ['setInterval', 'returned', 'a tick later'], `${call}(): ${intervals.join(', ')}`);
    }
  } finally {
    holder.child.kill('SIGKILL');
  }
});

/**
 * Runs `call` ('acquire' | 'acquireSync') for 1 s (retryInterval 50) on a lock
 * that stays busy, in a child; returns whether it got the lock and how many read
 * syscalls it made (/proc/self/io): about 20 looks of a few reads each, where a
 * spinning waiter makes thousands.
 */
function busyWait(file, call) {
  const r = runChild(fixture('busy-waiter.js'), [file, call]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test(
  'a waiter on a stale lock that a live breaker is working on waits on its timer instead of spinning',
  { skip: process.platform !== 'linux' && 'counts read syscalls in /proc/self/io' },
  async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'busy.pid');
    fs.writeFileSync(file, `${deadPid()}\n`);
    // A breaker that holds round 1's ballot and is alive (frozen mid-break, say).
    const breaker = (await sideFileHolder(ballotOf(file), '%PID%\n')).child;
    try {
      for (const call of ['acquire', 'acquireSync']) {
        const { ok, reads } = busyWait(file, call);
        assert.equal(ok, false, `${call}: the live breaker's ballot keeps the lock busy`);
        assert.ok(reads < 1500, `${call}: ${reads} read syscalls in 1 s of waiting`);
      }
    } finally {
      breaker.kill('SIGKILL');
    }
  },
);

test(
  'a waiter on a kernel-held lock whose PID names no process here (another PID namespace) waits on its timer instead of spinning',
  { skip: (!native && 'the JS backend sees no kernel lock') || (process.platform !== 'linux' && 'needs flock(1) and /proc/self/io') },
  async () => {
    const file = path.join(tmpDir(), 'ns.pid');
    fs.writeFileSync(file, `${deadPid()}\n`);
    // A holder in another PID namespace: its kernel lock is here, its PID is not.
    const flocker = spawn('sh', ['-c', 'exec 9<"$0"; flock -x 9; echo locked; exec cat', file]);
    try {
      assert.equal(await new Promise((r) => flocker.stdout.once('data', (d) => r(String(d)))), 'locked\n');
      for (const call of ['acquire', 'acquireSync']) {
        const { ok, reads } = busyWait(file, call);
        assert.equal(ok, false, `${call}: the kernel lock proves a live holder`);
        assert.ok(reads < 1500, `${call}: ${reads} read syscalls in 1 s of waiting`);
      }
    } finally {
      flocker.kill('SIGKILL');
    }
  },
);

test('worker.terminate() on a worker waiting in acquire() returns, and its process exits', async (t) => {
  const dir = tmpDir();
  const file = path.join(dir, 'held.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  t.after(() => holder.child.kill('SIGKILL'));
  assert.match(await holder.firstLine, /^acquired /);
  const r = runChild(fixture('terminate-waiter.js'), [file], { timeout: 30000 });
  assert.equal(r.signal, null, `the process hung after terminate() and was killed; stdout: ${r.stdout} stderr: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'terminated\n');
});

test(
  "a waiter held off by a live breaker's ballot is woken when that breaker dies",
  { skip: !native && 'the JS backend has no exit watch' },
  async () => {
    for (const mode of ['async', 'sync']) {
      const file = path.join(tmpDir(), 'breaker.pid');
      fs.writeFileSync(file, `${deadPid()}\n`);
      const breaker = (await sideFileHolder(ballotOf(file), '%PID%\n')).child;
      const waiter = startChild(fixture('waiter.js'), [file, mode, SLOW, '60000']);
      const [w, waiterPid] = (await waiter.firstLine).split(' ');
      assert.equal(w, 'waiting');
      await blocked(Number(waiterPid), breaker.pid, 'exit');
      breaker.kill('SIGKILL');
      assert.match(await lineOf(waiter, 'acquired'), /^acquired \d+$/, mode);
      await finish(waiter, file);
    }
  },
);
