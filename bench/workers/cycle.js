'use strict';
// Uncontended acquire+release loop in one process.
// argv: <lib> <dir> <iters per batch> <batches>. Prints {"nsPerOp":[...]}.
const { cycles, backendOf } = require('../lib/libs');

const [lib, dir, itersArg, batchesArg] = process.argv.slice(2);
const iters = Number(itersArg);
const batches = Number(batchesArg);
const cycle = cycles[lib](dir);

async function main() {
  const isAsync = lib.endsWith('-async');
  // Warm-up lets V8 optimise the path and the dentry cache settle, as for the C floor.
  for (let i = 0; i < Math.ceil(iters / 4) + 1; i++) {
    if (isAsync) await cycle();
    else cycle();
  }
  const nsPerOp = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < iters; i++) await cycle();
    else for (let i = 0; i < iters; i++) cycle();
    nsPerOp.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  process.stdout.write(`${JSON.stringify({ nsPerOp, backend: backendOf(lib) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
