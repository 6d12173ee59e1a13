'use strict';
// (1b) A refused poll: tryAcquire() against a live native holder, which is what
// acquire()/acquireSync() do between sleeps, against the C look at the same file.
const path = require('node:path');
const { median, rotatedRounds } = require('../lib/stats');
const { envFor, runWorker, start, worker } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');

const COMPETITORS = [
  { id: 'floor', label: 'C look: open+statx+pread+flock(LOCK_SH, non-blocking)+close' },
  { id: 'native', label: 'refused tryAcquire(), native backend', backend: 'native' },
  { id: 'js', label: 'refused tryAcquire(), JS backend', backend: 'js' },
];

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
        if (c.id === 'floor') {
          const p = start(floorBin, ['look', file, cfg.floorIters, cfg.batches]);
          const { code } = await p.exit;
          if (code !== 0) throw new Error(`floor look failed: ${p.stderr}`);
          return median((await p.next()).nsPerOp);
        }
        const out = await runWorker('poll.js', [file, cfg.iters, cfg.batches], { env: envFor(c.backend) });
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

module.exports = { run };
