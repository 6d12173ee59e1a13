'use strict';
// The bundled app: reports its backend, then tries the lock named on the command line
// and, when it gets it, holds it until stdin closes.
const { PidLock, backend } = require('pidlock-native');
const lock = new PidLock({ name: 'bundled', dir: process.argv[2] });
const got = lock.tryAcquire();
process.stdout.write(`${backend} ${got ? 'acquired' : 'refused'}\n`);
if (got) process.stdin.on('end', () => lock.release()).resume();
