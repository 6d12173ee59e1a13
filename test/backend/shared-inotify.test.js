'use strict';
// However many threads of a process wait in acquireSync(), they spend one
// inotify instance of the user's few (fs.inotify.max_user_instances, 128 by
// default, shared with everything the user runs) and one only, and every one of
// them is still woken: threads waiting on one lock take it in turn.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep, within } = require('../helpers');

const THREADS = 8;
const BOUND_MS = 20000; // woken threads need milliseconds; their timers a minute

function fdsOf(pid) {
  const out = [];
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      out.push({
        link: fs.readlinkSync(`/proc/${pid}/fd/${fd}`),
        info: fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'latin1'),
      });
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

test(
  `${THREADS} threads blocked in acquireSync() share one inotify instance and are all woken`,
  { skip: (pkg.backend !== 'native' || process.platform !== 'linux') && 'inotify and pidfd: the native backend on Linux' },
  async () => {
    const dir = tmpDir();
    const files = [path.join(dir, 'a.pid'), path.join(dir, 'b.pid')];
    const locks = files.map((file) => new pkg.PidLock({ path: file }));
    for (const lock of locks) assert.equal(lock.tryAcquire(), true);
    const c = startChild(fixture('thread-waiters.js'), [String(THREADS), ...files]);
    try {
      const [w, pidText] = (await c.firstLine).split(' ');
      assert.equal(w, 'waiting');
      const pid = Number(pidText);
      // Blocked once each thread watches this process's exit (its pidfd) and the lock file.
      const holderPid = new RegExp(`^Pid:\\s+${process.pid}$`, 'm');
      let fds = [];
      for (let i = 0; i < 4000; i++) {
        fds = fdsOf(pid);
        const pidfds = fds.filter((f) => holderPid.test(f.info)).length;
        const watched = fds.some((f) => /^inotify wd:/m.test(f.info));
        if (pidfds === THREADS && watched) break;
        await sleep(5);
      }
      const instances = fds.filter((f) => f.link === 'anon_inode:inotify').length;
      assert.equal(instances, 1, `${THREADS} waiting threads hold ${instances} inotify instances`);
      for (const lock of locks) lock.release();
      const line = await within(c.nextLine(), BOUND_MS);
      assert.match(line, /^done /, `not every thread was woken to take its lock within ${BOUND_MS} ms: ${c.stderr()}`);
      assert.equal((await c.exited).code, 0);
    } finally {
      for (const lock of locks) lock.release();
      c.child.kill('SIGKILL');
    }
  },
);
