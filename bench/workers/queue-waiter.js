'use strict';
// One of many waiters queued on one lock: once it holds the lock it keeps it
// `holdMs`, then releases it to the next. argv: <dir> <sync|async> <holdMs>.
// Prints {"event":"waiting"} before its wait, {"event":"acquired","at":ns}
// (CLOCK_MONOTONIC) once it holds the lock, then exits after releasing.
const path = require('node:path');
const pkg = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');

const [dir, mode, holdMs] = process.argv.slice(2);
const lock = new pkg.PidLock({ path: path.join(dir, 'bench.lock') });
const opts = { timeout: 600_000 };
const held = (ok) => {
  if (!ok) throw new Error('timed out');
  process.stdout.write(`${JSON.stringify({ event: 'acquired', at: process.hrtime.bigint().toString() })}\n`);
  setTimeout(() => {
    lock.release();
    process.exit(0);
  }, Number(holdMs));
};
process.stdout.write(`${JSON.stringify({ event: 'waiting' })}\n`);
if (mode === 'sync') held(lock.acquireSync(opts));
else lock.acquire(opts).then(held);
