'use strict';
// (1b) A refused poll: tryAcquire() against a live native holder, which is what
// acquire()/acquireSync() do between sleeps, against the C look at the same file.
const path = require('node:path');
const { median, ratio, rotatedRounds } = require('../lib/stats');
const { us, x, by, target } = require('../lib/format');
const { envFor, withBaseline, runWorker, start, worker } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');

const COMPETITORS = withBaseline(
  [
    { id: 'floor', label: 'C look: open+statx+pread+flock(LOCK_SH, non-blocking)+close' },
    {
      id: 'floor-js',
      label: "C, the JS backend's calls: open+statx+pread+close, then kill(pid, 0)+open+read+close of /proc/<pid>/stat",
      floorMode: 'jslook',
    },
    { id: 'native', label: 'refused tryAcquire(), native backend', backend: 'native', max: 1.5 },
    { id: 'js', label: 'refused tryAcquire(), JS backend', backend: 'js', max: 3, same: 'floor-js' },
  ],
  ['native', 'js'],
);

async function run(cfg, floorBin, log) {
  const dir = freshDir('poll');
  // One native holder for every competitor: its flock is what the look sees.
  const holder = worker('holder.js', ['pidlock', dir, '{}'], { env: envFor('native') });
  try {
    await holder.next('held');
    const file = path.join(dir, 'bench.lock');
    return await rotatedRounds(
      COMPETITORS,
      cfg.rounds,
      async (c) => {
        if (c.id.startsWith('floor')) {
          const p = start(floorBin, [c.floorMode ?? 'look', file, cfg.floorIters, cfg.batches]);
          const { code } = await p.exit;
          if (code !== 0) throw new Error(`floor look failed: ${p.stderr}`);
          return median((await p.next()).nsPerOp);
        }
        const out = await runWorker('poll.js', [file, cfg.iters, cfg.batches], { env: envFor(c.backend, c.pkg) });
        if (out.backend !== c.backend) throw new Error(`expected the ${c.backend} backend, the child loaded ${out.backend}`);
        return median(out.nsPerOp);
      },
      log,
      'poll',
      2,
    );
  } finally {
    holder.kill();
  }
}

const title = '1b refused poll (live holder)';

function rows(r) {
  const floor = by(r, 'floor').median;
  return r.map((c) => {
    const f = ratio(c.median, floor);
    let rel = c.id === 'floor' ? 'floor' : `${x(f)} floor`;
    if (c.same) rel += `, ${x(ratio(c.median, by(r, c.same).median))} the C program making its calls`;
    return { what: c.label, value: us(c.median), rel, target: c.max && !c.pkg ? target(`≤ ${c.max}x the C look`, f <= c.max) : '' };
  });
}

module.exports = { run, rows, title };
