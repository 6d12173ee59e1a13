'use strict';
// Waits for a lock that another process holds; reports when it got it, on the
// system-wide monotonic clock (process.hrtime is CLOCK_MONOTONIC on Linux), so
// the parent can subtract the moment it killed the holder.
// argv: <lib> <dir> <options JSON>.
const { waiters } = require('../lib/libs');

const [lib, dir, json] = process.argv.slice(2);
const opts = JSON.parse(json);

// Printed before the wait starts: a sync wait blocks this thread until it ends.
process.stdout.write(`${JSON.stringify({ event: 'waiting' })}\n`);
waiters[lib](dir, opts).then(
  async (release) => {
    const at = process.hrtime.bigint().toString();
    process.stdout.write(`${JSON.stringify({ event: release ? 'acquired' : 'timeout', at })}\n`);
    if (release) await release();
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`${JSON.stringify({ event: 'error', message: err.message })}\n`);
    process.exit(1);
  },
);
