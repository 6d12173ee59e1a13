'use strict';
// (1) Uncontended acquire+release, each competitor in its own process, rounds
// interleaved so that drift in machine load hits every competitor alike.
const { median, rotatedRounds } = require('../lib/stats');
const { envFor, runWorker, start } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');

const COMPETITORS = [
  { id: 'floor', label: 'C floor: open(O_EXCL)+write+close+unlink' },
  { id: 'native-try', label: 'pidlock-native, native backend: tryAcquire()+release()', lib: 'pidlock-try', backend: 'native' },
  { id: 'native', label: 'pidlock-native, native backend: acquireSync()+release()', lib: 'pidlock', backend: 'native' },
  { id: 'js', label: 'pidlock-native, JS backend: acquireSync()+release()', lib: 'pidlock', backend: 'js' },
  { id: 'native-async', label: 'pidlock-native, native backend: await acquire()+release()', lib: 'pidlock-async', backend: 'native' },
  { id: 'js-async', label: 'pidlock-native, JS backend: await acquire()+release()', lib: 'pidlock-async', backend: 'js' },
  { id: 'proper-lockfile', label: 'proper-lockfile: lockSync()+release()', lib: 'proper-lockfile' },
  { id: 'lockfile', label: 'lockfile: lockSync()+unlockSync()', lib: 'lockfile' },
];

// PIDLOCK_BENCH_BASELINE=<dir of another build of the package>: that build's
// tryAcquire()+release() runs in the same rounds, for a before/after ratio.
const BASELINE = process.env.PIDLOCK_BENCH_BASELINE;
if (BASELINE) {
  COMPETITORS.splice(2, 0, {
    id: 'baseline-try',
    label: `baseline build (${BASELINE}), native backend: tryAcquire()+release()`,
    lib: 'pidlock-try',
    backend: 'native',
    pkg: BASELINE,
  });
}

async function runOne(c, cfg, floorBin) {
  const dir = freshDir(`cycle-${c.id}`);
  if (c.id === 'floor') {
    const p = start(floorBin, ['cycle', dir, cfg.floorIters, cfg.batches]);
    const { code } = await p.exit;
    if (code !== 0) throw new Error(`floor failed: ${p.stderr}`);
    return median((await p.next()).nsPerOp);
  }
  const env = envFor(c.backend);
  if (c.pkg) env.PIDLOCK_BENCH_PKG = c.pkg;
  const out = await runWorker('cycle.js', [c.lib, dir, cfg.iters, cfg.batches], { env });
  if (c.backend && out.backend !== c.backend) throw new Error(`expected the ${c.backend} backend, the child loaded ${out.backend}`);
  return median(out.nsPerOp);
}

function run(cfg, floorBin, log) {
  return rotatedRounds(COMPETITORS, cfg.rounds, (c) => runOne(c, cfg, floorBin), log, 'cycle', 1);
}

module.exports = { run, COMPETITORS };
