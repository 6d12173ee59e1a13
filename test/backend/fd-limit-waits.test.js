'use strict';
// A waiter's own watch descriptors (a pidfd, an eventfd, an inotify instance, an
// exit-watch thread's pipe) never cost a try its answer: at a descriptor limit
// that they fill, the try that fails with EMFILE is tried again without them.
// Each waiter is a real child under `prlimit --nofile`, left with `free`
// descriptors; free = 1 is left out: the winning publish itself needs two.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep, within } = require('../helpers');

const BOUND_MS = 15000;

for (const mode of ['sync', 'async']) {
  test(
    `${mode === 'sync' ? 'a' : 'an'} ${mode} waiter left with 2 to 6 free descriptors takes the lock once released, never answering EMFILE`,
    { skip: process.platform !== 'linux' && 'prlimit (util-linux)' },
    async () => {
      for (let free = 2; free <= 6; free++) {
        const file = path.join(tmpDir(), 'starved.pid');
        const lock = new pkg.PidLock({ path: file });
        assert.equal(lock.tryAcquire(), true);
        const c = startChild(fixture('fd-starved-waiter.js'), [file, mode, String(free)], {
          via: ['prlimit', '--nofile=128:128'],
        });
        try {
          assert.match(await c.firstLine, /^waiting /);
          // Long enough for the wait to open its watches (the timer looks every 100 ms).
          await sleep(500);
          lock.release();
          const line = await within(c.nextLine(), BOUND_MS);
          assert.equal(line, 'acquired', `${free} free descriptors: ${line} ${c.stderr()}`);
        } finally {
          lock.release();
          c.child.kill('SIGKILL');
        }
      }
    },
  );
}
