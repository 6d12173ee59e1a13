'use strict';
// (1) Uncontended acquire+release, each competitor in its own process, rounds
// interleaved so that drift in machine load hits every competitor alike.
const { median, ratio, rotatedRounds } = require('../lib/stats');
const { us, x, by, target } = require('../lib/format');
const { envFor, runWorker, start } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');

const COMPETITORS = [
  { id: 'floor', label: 'C floor: open(O_EXCL)+write+close+unlink' },
  {
    id: 'floor-same',
    label: "C, the native backend's calls: open(O_TMPFILE)+flock+write+statx+linkat, then statx+unlink+close",
    floorMode: 'publish',
  },
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
  if (c.id.startsWith('floor')) {
    const p = start(floorBin, [c.floorMode ?? 'cycle', dir, cfg.floorIters, cfg.batches]);
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

const title = '1 cycle';

/** The targets: issue-set ratios to the floor (and, for the native try, to the C program making its calls). */
function rows(r) {
  const floor = by(r, 'floor').median;
  const same = by(r, 'floor-same').median;
  const proper = by(r, 'proper-lockfile').median;
  return r.map((c) => {
    const f = ratio(c.median, floor);
    let rel = c.id === 'floor' ? 'floor' : `${x(f)} floor`;
    if (c.lib?.startsWith('pidlock') && Number.isFinite(same)) rel += `, ${x(ratio(c.median, same))} the C program making its calls`;
    if (c.lib?.startsWith('pidlock') && !c.pkg) rel += `; proper-lockfile is ${x(ratio(proper, c.median))} this`;
    let goal = '';
    if (c.id === 'native-try') {
      goal = target('≤ 1.4x floor', f <= 1.4);
      const base = by(r, 'baseline-try').median;
      if (Number.isFinite(base)) goal += `; baseline is ${x(ratio(base, floor))} floor`;
    } else if (c.id === 'native') {
      goal = `${target('≤ 2x floor', f <= 2)}; ${target('≥ 5x faster than proper-lockfile', ratio(proper, c.median) >= 5)}`;
    } else if (c.id === 'js') {
      goal = target('≤ 2.5x floor', f <= 2.5);
    }
    return { what: c.label, value: us(c.median), rel, target: goal };
  });
}

module.exports = { run, rows, title, COMPETITORS };
