'use strict';
// Refused polls: tryAcquire() on a lock a live holder keeps, by one PidLock
// object, as acquire()/acquireSync() retry it. argv: <lock file> <iters per
// batch> <batches>. Prints {"nsPerOp":[...]}.
const { PidLock, backend } = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');
const { timeBatches } = require('../lib/batches');

const [file, iters, batches] = process.argv.slice(2);
const lock = new PidLock({ path: file });
const poll = () => {
  if (lock.tryAcquire()) throw new Error('the lock was free: the holder is gone');
};
// The first refusal is part of the warm-up: the polls measured are the ones after it.
timeBatches(poll, Number(iters), Number(batches)).then((nsPerOp) => process.stdout.write(`${JSON.stringify({ nsPerOp, backend })}\n`));
