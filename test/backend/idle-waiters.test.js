'use strict';
// An idle waiter costs nothing while other entries of the lock's directory
// churn: it watches the lock file itself, not the directory. Each waiter is a
// real child process polling only once a minute; its CPU time is read from
// /proc/<pid>/stat while this process creates and unlinks thousands of other
// files beside the lock, then the release must still wake it at once.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep, within } = require('../helpers');

const CHURN_MS = 2000;
const PER_TICK = 50; // files created and unlinked every 10 ms: 5,000 a second
/**
 * CPU ticks (10 ms) the waiter may use over the churn. A waiter woken by each
 * directory entry used 10+ times as much (about 110 ms a second for acquire()).
 */
const MAX_TICKS = 4;
const WAKE_BOUND_MS = 5000; // its timer would need 45+ s

function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields 14 and 15 (utime, stime), counted after the command name's last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Until the waiter has an inotify watch: its wait has begun. */
async function watching(pid) {
  const fdinfo = `/proc/${pid}/fdinfo`;
  for (let i = 0; i < 2000; i++) {
    for (const fd of fs.readdirSync(fdinfo)) {
      try {
        if (/^inotify wd:/m.test(fs.readFileSync(path.join(fdinfo, fd), 'latin1'))) return undefined;
      } catch {
        // closed meanwhile
      }
    }
    await sleep(5);
  }
  throw new Error(`waiter ${pid} never opened its inotify watch`);
}

function churn(dir, ms) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < PER_TICK; i++, n++) {
      const f = path.join(dir, `other-${n}.tmp`);
      fs.writeFileSync(f, '');
      fs.unlinkSync(f);
    }
    Atomics.wait(cell, 0, 0, 10);
  }
  return n;
}

// The JS backend's acquireSync() has nothing but its timer: neither a watch to
// be woken by nor one to be woken by the release.
const modes = pkg.backend === 'native' ? ['sync', 'async'] : ['async'];

for (const mode of modes) {
  test(
    `an idle ${mode} waiter is not woken by other entries churning in the lock's directory`,
    { skip: process.platform !== 'linux' && 'reads /proc' },
    async () => {
      const dir = tmpDir();
      const file = path.join(dir, 'idle.pid');
      const lock = new pkg.PidLock({ path: file });
      assert.equal(lock.tryAcquire(), true);
      const waiter = startChild(fixture('waiter.js'), [file, mode, '60000', '60000']);
      try {
        const [w, pidText] = (await waiter.firstLine).split(' ');
        assert.equal(w, 'waiting');
        const pid = Number(pidText);
        await watching(pid);
        const before = cpuTicks(pid);
        const files = churn(dir, CHURN_MS);
        const used = cpuTicks(pid) - before;
        process.stdout.write(`# ${pkg.backend} ${mode}: ${used * 10} ms of CPU while ${files} other files came and went\n`);
        assert.ok(used <= MAX_TICKS, `the idle waiter used ${used * 10} ms of CPU in ${CHURN_MS} ms of unrelated churn`);
        const t0 = performance.now();
        lock.release();
        const line = await within(waiter.nextLine(), WAKE_BOUND_MS);
        assert.match(line, /^acquired /, `the release did not wake the waiter within ${WAKE_BOUND_MS} ms`);
        process.stdout.write(`# ${pkg.backend} ${mode}: release to acquired ${Math.round(performance.now() - t0)} ms\n`);
        waiter.child.stdin.write('release\n');
        assert.equal((await waiter.exited).code, 0);
      } finally {
        lock.release();
        waiter.child.kill('SIGKILL');
      }
    },
  );
}
