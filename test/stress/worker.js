'use strict';
// One contender: acquire, enter, leave, release, forever, until told to stop.
// It writes its own witness lines; it never decides anything about overlaps.
// env: STRESS_LOCK, STRESS_LOG; PIDLOCK_NO_NATIVE picks the backend;
// STRESS_SABOTAGE=1 skips the lock on some rounds (the harness's self-test).
const fs = require('node:fs');
const path = require('node:path');
const pkg = require(process.env.PIDLOCK_PKG || path.join(__dirname, '..', '..'));

const lockPath = process.env.STRESS_LOCK;
const sabotage = process.env.STRESS_SABOTAGE === '1';
const log = fs.openSync(process.env.STRESS_LOG, 'a');
const now = () => process.hrtime.bigint().toString();
const rec = (s) => fs.writeSync(log, `${s}\n`);
const cell = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms) => Atomics.wait(cell, 0, 0, ms);
const tick = () => new Promise((r) => setImmediate(r));

let seq = 0;
let parked = null;
let stopping = false;

process.on('message', (m) => {
  if (m === 'park') parked = parked ?? { go: null };
  else if (m === 'go' && parked?.go) parked.go();
  else if (m === 'stop') stopping = true;
});
process.on('disconnect', () => process.exit(0));

function ownsFile(why) {
  const { pid } = pkg.readLockFilePid(lockPath);
  if (pid !== process.pid) rec(`bad ${process.pid} ${seq} ${why}: lock file names ${pid}`);
}

// A third of the waits poll only every 2 s, so they get the lock through a wake:
// the holder's exit (native) or its release (the lock file's watch; for JS only
// in acquire(), so a JS acquireSync() keeps polling fast).
const WAKE_RETRY_MS = 2000;

async function acquire(lock) {
  const style = Math.random();
  const woken = Math.random() < 0.33 && (pkg.backend === 'native' || (style >= 0.45 && style < 0.9));
  const retryInterval = woken ? WAKE_RETRY_MS : 1 + Math.random() * 3;
  if (style < 0.45) return lock.acquireSync({ timeout: 60_000, retryInterval });
  if (style < 0.9) return lock.acquire({ timeout: 60_000, retryInterval });
  // Bare tryAcquire with our own back-off: the path most apps write.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (lock.tryAcquire()) return true;
    await new Promise((r) => setTimeout(r, retryInterval));
  }
  return false;
}

async function main() {
  const onWarning = (w) => rec(`bad ${process.pid} ${seq} warning ${w.code}`);
  let lock = new pkg.PidLock({ path: lockPath, onWarning });
  rec(`ready ${process.pid} ${pkg.backend} ${now()}`);
  process.send({ ready: process.pid, backend: pkg.backend });
  while (!stopping) {
    if (parked) {
      await new Promise((resolve) => {
        parked.go = resolve;
        process.send({ parked: process.pid });
      });
      parked = null;
    }
    seq++;
    const skip = sabotage && Math.random() < 0.3;
    if (!skip && !(await acquire(lock))) {
      rec(`error ${process.pid} acquire timed out after 60 s`);
      process.exit(2);
    }
    rec(`enter ${process.pid} ${seq} ${pkg.backend} ${now()}`);
    if (!skip) ownsFile('after enter');
    // Mostly short sections so that hand-offs dominate; now and then a long one.
    pause(Math.random() < 0.02 ? 2 + Math.random() * 8 : Math.random() * 0.3);
    if (!skip) ownsFile('before exit');
    rec(`exit ${process.pid} ${seq} ${now()}`);
    if (!skip && !lock.release()) rec(`bad ${process.pid} ${seq} release() found no lock of ours`);
    if (Math.random() < 0.1) lock = new pkg.PidLock({ path: lockPath, onWarning });
    await tick();
  }
  process.exit(0);
}

main().catch((err) => {
  rec(`error ${process.pid} ${String(err && err.stack).replace(/\s+/g, ' ')}`);
  process.exit(1);
});
