'use strict';
// isProcessAlive(pid) in a loop. argv: <pid> <iters per batch> <batches>.
const { isProcessAlive, backend } = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');
const { timeBatches } = require('../lib/batches');

const [pid, iters, batches] = process.argv.slice(2).map(Number);
const check = () => {
  if (isProcessAlive(pid) !== true) throw new Error(`isProcessAlive(${pid}) is not true`);
};
timeBatches(check, iters, batches).then((nsPerOp) => process.stdout.write(`${JSON.stringify({ nsPerOp, backend })}\n`));
