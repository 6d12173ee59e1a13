'use strict';
// Takes the lock, reports it, then keeps running until killed (or stopped);
// SIGUSR2 releases it.
// argv: <lib> <dir> <options JSON>. Prints {"event":"held","pid":...}.
const { waiters } = require('../lib/libs');

const [lib, dir, json] = process.argv.slice(2);
const opts = { timeout: 5000, ...JSON.parse(json) };

waiters[lib](dir, opts).then(
  (release) => {
    if (release === null) {
      process.stdout.write(`${JSON.stringify({ event: 'refused' })}\n`);
      process.exit(3);
    }
    process.stdout.write(`${JSON.stringify({ event: 'held', pid: process.pid })}\n`);
    // The release hand-off run: the clock is read before release() starts and after it returned.
    process.on('SIGUSR2', async () => {
      const at = process.hrtime.bigint().toString();
      await release();
      const done = process.hrtime.bigint().toString();
      process.stdout.write(`${JSON.stringify({ event: 'released', at, done })}\n`);
    });
    // Stay alive (and keep proper-lockfile's refresh timer running) until killed.
    setInterval(() => {}, 1 << 30);
  },
  (err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  },
);
