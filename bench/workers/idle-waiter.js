'use strict';
// A waiter for a lock that stays held, whose CPU the parent reads while other
// files churn beside the lock. argv: <dir> <sync|async>. Prints {"event":"waiting"}.
const path = require('node:path');
const pkg = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');

const [dir, mode] = process.argv.slice(2);
const lock = new pkg.PidLock({ path: path.join(dir, 'bench.lock') });
const opts = { timeout: 600_000 };
process.stdout.write(`${JSON.stringify({ event: 'waiting' })}\n`);
if (mode === 'sync') lock.acquireSync(opts);
else lock.acquire(opts);
