'use strict';
// One uniform face per competitor, so every worker measures the same steps for
// each library. Workers run in their own process: pidlock's backend is chosen
// at module load (PIDLOCK_NO_NATIVE), and the competitors keep global state.
const fs = require('node:fs');
const path = require('node:path');

function pidlock() {
  // PIDLOCK_BENCH_PKG points at a scratch copy for before/after experiments.
  return require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');
}

/** proper-lockfile locks a file that must exist (realpath: true by default); its lock is `<file>.lock/`. */
const targets = new Map();
function properTarget(dir) {
  let target = targets.get(dir);
  if (target === undefined) {
    target = path.join(dir, 'target');
    fs.writeFileSync(target, '', { flag: 'a' });
    targets.set(dir, target);
  }
  return target;
}

/** Sync acquire + release pairs, for the uncontended loop. `cycle()` must throw on any failure. */
const cycles = {
  pidlock(dir) {
    const lock = new (pidlock().PidLock)({ path: path.join(dir, 'bench.lock') });
    return () => {
      if (!lock.acquireSync()) throw new Error('pidlock: acquireSync returned false');
      if (!lock.release()) throw new Error('pidlock: release returned false');
    };
  },
  'pidlock-try'(dir) {
    const lock = new (pidlock().PidLock)({ path: path.join(dir, 'bench.lock') });
    return () => {
      if (!lock.tryAcquire()) throw new Error('pidlock: tryAcquire returned false');
      if (!lock.release()) throw new Error('pidlock: release returned false');
    };
  },
  'pidlock-async'(dir) {
    const lock = new (pidlock().PidLock)({ path: path.join(dir, 'bench.lock') });
    return async () => {
      if (!(await lock.acquire())) throw new Error('pidlock: acquire resolved false');
      if (!lock.release()) throw new Error('pidlock: release returned false');
    };
  },
  'proper-lockfile'(dir) {
    const lockfile = require('proper-lockfile');
    const target = properTarget(dir);
    return () => {
      const release = lockfile.lockSync(target);
      release();
    };
  },
  lockfile(dir) {
    const lockfile = require('lockfile');
    const file = path.join(dir, 'bench.lock');
    return () => {
      lockfile.lockSync(file);
      lockfile.unlockSync(file);
    };
  },
};

/**
 * Waiting acquisition for the crash, frozen and contention runs. `opts.timeout`
 * bounds the wait; `opts` may carry library-specific settings. Resolves to a
 * release function (which may return a promise), or null when the wait timed out.
 */
const waiters = {
  async pidlock(dir, opts) {
    const lock = new (pidlock().PidLock)({ path: path.join(dir, 'bench.lock') });
    const wait = { timeout: opts.timeout, retryInterval: opts.retryInterval };
    // The CPU floor: the same process with the package loaded and a lock object,
    // idle on a timer; what Node itself spends (a late GC) shows here too.
    if (opts.idle) return new Promise((resolve) => setTimeout(() => resolve(null), opts.timeout));
    const ok = opts.async ? await lock.acquire(wait) : lock.acquireSync(wait);
    return ok ? () => lock.release() : null;
  },
  async 'proper-lockfile'(dir, opts) {
    const lockfile = require('proper-lockfile');
    // Only the options we set: an explicit `stale: undefined` would override its default with 2000.
    const options = {
      retries: opts.retries,
      onCompromised: (err) => {
        process.stdout.write(`${JSON.stringify({ event: 'compromised', message: err.message })}\n`);
      },
    };
    if (opts.stale !== undefined) options.stale = opts.stale;
    try {
      return await lockfile.lock(properTarget(dir), options);
    } catch (err) {
      if (err.code === 'ELOCKED') return null;
      throw err;
    }
  },
  lockfile(dir, opts) {
    const lockfile = require('lockfile');
    const file = path.join(dir, 'bench.lock');
    return new Promise((resolve, reject) => {
      // lockfile mutates its options (start, req): a fresh object per call.
      lockfile.lock(file, { wait: opts.timeout, stale: opts.stale, pollPeriod: opts.pollPeriod }, (err) => {
        if (!err) return resolve(() => lockfile.unlockSync(file));
        if (err.code === 'EEXIST') return resolve(null);
        reject(err);
      });
    });
  },
};

/** Which pidlock backend this process loaded, so the parent can check PIDLOCK_NO_NATIVE took effect. */
function backendOf(lib) {
  return lib.startsWith('pidlock') ? pidlock().backend : undefined;
}

module.exports = { cycles, waiters, backendOf };
