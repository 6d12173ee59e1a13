'use strict';
// Uncontended acquire+release loop in one process.
// argv: <lib> <dir> <iters per batch> <batches>. Prints {"nsPerOp":[...]}.
const { timeBatches } = require('../lib/batches');
const { cycles, backendOf } = require('../lib/libs');

const [lib, dir, itersArg, batchesArg] = process.argv.slice(2);
const iters = Number(itersArg);
const batches = Number(batchesArg);
const cycle = cycles[lib](dir);

async function main() {
  const nsPerOp = await timeBatches(cycle, iters, batches, lib.endsWith('-async'));
  process.stdout.write(`${JSON.stringify({ nsPerOp, backend: backendOf(lib) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
