'use strict';
// Times tryAcquire() taking over a stale lock (owner dead) in each given
// directory, alternating between them, in one process. argv: <deadPid> <repeats> <dir>...
// Prints {"event":"done","ms":{"<dir>":[...]}}.
const fs = require('node:fs');
const path = require('node:path');

const pkg = require(process.env.PIDLOCK_BENCH_PKG || 'pidlock-native');
const [deadPid, repeats, ...dirs] = process.argv.slice(2);
const ms = Object.fromEntries(dirs.map((d) => [d, []]));
const locks = dirs.map((d) => new pkg.PidLock({ path: path.join(d, 'bench.lock') }));

function once(i) {
  const lock = locks[i];
  fs.writeFileSync(lock.path, `${deadPid}\n`);
  const t0 = process.hrtime.bigint();
  const ok = lock.tryAcquire();
  const t1 = process.hrtime.bigint();
  if (!ok) throw new Error(`no takeover in ${dirs[i]}`);
  lock.release();
  return Number(t1 - t0) / 1e6;
}

// Warm-up: the first takeover in a process compiles the break path.
for (let r = 0; r < 3; r++) dirs.forEach((_, i) => once(i));
for (let r = 0; r < Number(repeats); r++) {
  for (let k = 0; k < dirs.length; k++) {
    const i = (k + r) % dirs.length;
    ms[dirs[i]].push(once(i));
  }
}
process.stdout.write(`${JSON.stringify({ event: 'done', backend: pkg.backend, ms })}\n`);
