'use strict';
// The hand-off floor of a Node process: no lock library, only an fs.watch on
// the lock file (what wakes acquire()), reporting its first event on the clock
// bench/workers/waiter.js uses. argv: <lock file>.
const fs = require('node:fs');

const watcher = fs.watch(process.argv[2], () => {
  process.stdout.write(`${JSON.stringify({ event: 'acquired', at: process.hrtime.bigint().toString() })}\n`);
  watcher.close();
});
process.stdout.write(`${JSON.stringify({ event: 'waiting' })}\n`);
