'use strict';
// How the in-process workers (cycle, poll, alive) time a hot path.
//
// Warm-up runs for a time, not a count: V8 optimises a function on a second
// thread after enough calls, and on a loaded 2-core machine that can land in
// the middle of the first timed batches. Measured on the refused native poll:
// after 501 warm-up calls, batches of 2000 ran at 17.4 and 15.8 µs before
// settling at 10.4; after 5000 calls (~60 ms), every batch was at 9.8 to 10.4.
// The C floors need no warm-up beyond their caches'.
const WARM_MS = 300;

/** ns per call of `op` in each of `batches` batches of `iters` calls, after warming it up. */
async function timeBatches(op, iters, batches, isAsync = false) {
  const warmUntil = performance.now() + WARM_MS;
  for (let i = 0; i < iters / 4 + 1 || performance.now() < warmUntil; i++) {
    if (isAsync) await op();
    else op();
  }
  const nsPerOp = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    if (isAsync) for (let i = 0; i < iters; i++) await op();
    else for (let i = 0; i < iters; i++) op();
    nsPerOp.push(Number(process.hrtime.bigint() - t0) / iters);
  }
  return nsPerOp;
}

module.exports = { timeBatches };
