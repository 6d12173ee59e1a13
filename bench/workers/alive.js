'use strict';
// isProcessAlive(pid) in a loop. argv: <pid> <iters per batch> <batches>.
const { isProcessAlive, backend } = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');

const [pid, iters, batches] = process.argv.slice(2).map(Number);
for (let i = 0; i < iters / 4 + 1; i++) {
  if (isProcessAlive(pid) !== true) throw new Error(`isProcessAlive(${pid}) is not true`);
}
const nsPerOp = [];
for (let b = 0; b < batches; b++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) {
    if (isProcessAlive(pid) !== true) throw new Error(`isProcessAlive(${pid}) is not true`);
  }
  nsPerOp.push(Number(process.hrtime.bigint() - t0) / iters);
}
process.stdout.write(`${JSON.stringify({ nsPerOp, backend })}\n`);
