'use strict';
// Takes a lock, says so, then ends the way argv[3] says. argv: <dir> <how>
// how: hold (until killed) | natural (event loop empties) | exit (process.exit) | throw (uncaught)
const { PidLock, backend } = require('../..');
const lock = new PidLock({ name: 'rt', dir: process.argv[2] });
const got = lock.tryAcquire();
process.stdout.write(`${backend} ${got ? 'acquired' : 'refused'}\n`);
const how = process.argv[3];
if (got && how === 'hold') setInterval(() => {}, 1000);
if (got && how === 'exit') setTimeout(() => process.exit(0), 10);
if (got && how === 'throw')
  setTimeout(() => {
    throw new Error('uncaught on purpose');
  }, 10);
