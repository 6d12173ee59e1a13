'use strict';
// Refused polls: tryAcquire() on a lock a live holder keeps, by one PidLock
// object, as acquire()/acquireSync() retry it. argv: <lock file> <iters per
// batch> <batches>. Prints {"nsPerOp":[...]}.
const { PidLock, backend } = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');

const [file, itersArg, batchesArg] = process.argv.slice(2);
const iters = Number(itersArg);
const batches = Number(batchesArg);
const lock = new PidLock({ path: file });
const poll = () => {
  if (lock.tryAcquire()) throw new Error('the lock was free: the holder is gone');
};
// The first refusal is part of the warm-up: the polls measured are the ones after it.
for (let i = 0; i < iters / 4 + 1; i++) poll();
const nsPerOp = [];
for (let b = 0; b < batches; b++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) poll();
  nsPerOp.push(Number(process.hrtime.bigint() - t0) / iters);
}
process.stdout.write(`${JSON.stringify({ nsPerOp, backend })}\n`);
