'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const { pkg, fixture, deadPid, idleChild, sleep } = require('../helpers');

test('own PID is alive', () => {
  assert.equal(pkg.isProcessAlive(process.pid), true);
});

test('a reaped child is dead', () => {
  assert.equal(pkg.isProcessAlive(deadPid()), false);
});

test('a running child is alive, and dead once killed and reaped', async () => {
  const child = await idleChild();
  assert.equal(pkg.isProcessAlive(child.pid), true);
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  assert.equal(pkg.isProcessAlive(child.pid), false);
});

/** The process state letter `ps` reports (Z: zombie), on Linux and macOS alike; '' once gone. */
function psState(pid) {
  const r = spawnSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' });
  return r.stdout.trim().charAt(0);
}

// What each backend can see: the native one asks the kernel for the process
// state (Linux /proc, macOS sysctl p_stat); the JS one has /proc on Linux only,
// and elsewhere kill(pid, 0), which succeeds on a zombie (XNU's too), so there a
// zombie reads as alive until its parent reaps it (README, "Native and JS").
const zombieSeenAlive = pkg.backend === 'js' && process.platform !== 'linux';

test(
  `an unreaped zombie is ${zombieSeenAlive ? 'alive to kill(pid, 0), the JS backend off Linux' : 'dead'}`,
  { skip: process.platform === 'win32' && 'no zombies on Windows' },
  async () => {
    // The background child exits after its parent has exec'd into sleep, which never reaps it.
    const parent = spawn('sh', ['-c', 'sleep 0.3 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise((r) => parent.stdout.once('data', (d) => r(String(d).trim()))));
      let state = psState(pid);
      for (let i = 0; i < 500 && state !== 'Z'; i++) {
        await sleep(20);
        state = psState(pid);
      }
      assert.equal(state, 'Z', 'the fixture must really be a zombie');
      assert.equal(pkg.isProcessAlive(pid), zombieSeenAlive);
    } finally {
      parent.kill('SIGKILL');
    }
  },
);

test('a thread id of another process is not a process', { skip: process.platform !== 'linux' && 'Linux /proc only' }, async () => {
  // A worker thread has its own tid, which kill() accepts; it must not read as a live process.
  const child = spawn(process.execPath, [fixture('threads.js')], { stdio: ['ignore', 'pipe', 'ignore'] });
  const tids = (await new Promise((r) => child.stdout.once('data', (d) => r(String(d))))).trim().split(' ').map(Number);
  const tid = tids.find((t) => t !== child.pid);
  try {
    assert.ok(tid, 'the child must have a thread besides its main one');
    assert.equal(pkg.isProcessAlive(child.pid), true);
    assert.equal(pkg.isProcessAlive(tid), false);
  } finally {
    child.kill('SIGKILL');
  }
});

test('invalid PIDs throw instead of being coerced', () => {
  for (const bad of ['123', true, null, undefined, [], {}, 1n]) {
    assert.throws(() => pkg.isProcessAlive(bad), TypeError, `input ${String(bad)}`);
  }
  for (const bad of [0, -1, 1.5, NaN, Infinity, 4294967296, -0.5]) {
    assert.throws(() => pkg.isProcessAlive(bad), RangeError, `input ${bad}`);
    assert.throws(() => pkg.getProcessStartTime(bad), RangeError, `input ${bad}`);
  }
});

test('the largest PID is accepted: not running, or unknown where the JS path cannot ask', () => {
  // process.kill() takes only int32 PIDs; on Windows such a PID could exist, so the JS path says "unknown".
  const expected = process.platform === 'win32' && pkg.backend === 'js' ? null : false;
  assert.equal(pkg.isProcessAlive(4294967295), expected);
});

test(
  'getProcessStartTime of a child matches when it was spawned',
  { skip: process.platform !== 'linux' && pkg.backend === 'js' && 'the JS path has start times on Linux only' },
  async () => {
    const before = Date.now();
    const child = await idleChild();
    const after = Date.now();
    try {
      const start = pkg.getProcessStartTime(child.pid);
      assert.equal(typeof start, 'number');
      // Start times are good to a clock tick (10 ms); allow a little more for scheduling.
      assert.ok(start >= before - 50 && start <= after + 50, `start ${start} not within [${before}, ${after}]`);
    } finally {
      child.kill('SIGKILL');
    }
  },
);

test('getProcessStartTime of a dead PID is null', () => {
  assert.equal(pkg.getProcessStartTime(deadPid()), null);
});
