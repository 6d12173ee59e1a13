'use strict';
// Copied into the temp app by bench/sections/load.js and run from there, so
// that the package is found by name the way an app finds its dependencies.
// Times require() (wall and CPU) and, given a lock path, the first
// tryAcquire()+release(): what an app's first lock costs after a cold start.
// argv: <package name> [lock path].
const cpu = process.cpuUsage();
const t = process.hrtime.bigint();
const m = require(process.argv[2]);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
const used = process.cpuUsage(cpu);
let firstMs = null;
if (process.argv[3]) {
  const t1 = process.hrtime.bigint();
  const lock = new m.PidLock({ path: process.argv[3] });
  if (!lock.tryAcquire() || !lock.release()) throw new Error('the first lock failed');
  firstMs = Number(process.hrtime.bigint() - t1) / 1e6;
}
process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, firstMs, backend: m.backend }));
