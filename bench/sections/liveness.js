'use strict';
// (2) isProcessAlive(pid) of a live process (this runner) against kill(pid, 0).
const { median } = require('../lib/stats');
const { envFor, runWorker, start } = require('../lib/proc');

const COMPETITORS = [
  { id: 'floor', label: 'C floor: kill(pid, 0)' },
  { id: 'floor-status', label: 'C: kill(pid, 0) + read and scan /proc/<pid>/status' },
  { id: 'native', label: 'isProcessAlive(), native backend', backend: 'native' },
  { id: 'js', label: 'isProcessAlive(), JS backend', backend: 'js' },
];

async function runOne(c, cfg, floorBin) {
  const pid = process.pid;
  if (c.id.startsWith('floor')) {
    const mode = c.id === 'floor' ? 'alive' : 'status';
    const iters = c.id === 'floor' ? cfg.floorIters : cfg.iters;
    const p = start(floorBin, [mode, pid, iters, cfg.batches]);
    const { code } = await p.exit;
    if (code !== 0) throw new Error(`floor ${mode} failed: ${p.stderr}`);
    return median((await p.next()).nsPerOp);
  }
  const out = await runWorker('alive.js', [pid, cfg.iters, cfg.batches], { env: envFor(c.backend) });
  if (out.backend !== c.backend) throw new Error(`expected the ${c.backend} backend, the child loaded ${out.backend}`);
  return median(out.nsPerOp);
}

async function run(cfg, floorBin, log) {
  const samples = Object.fromEntries(COMPETITORS.map((c) => [c.id, []]));
  for (let round = 0; round < cfg.rounds; round++) {
    const order = COMPETITORS.map((_, i) => COMPETITORS[(i + round) % COMPETITORS.length]);
    for (const c of order) {
      const ns = await runOne(c, cfg, floorBin);
      samples[c.id].push(ns);
      log(`liveness round ${round + 1}/${cfg.rounds} ${c.id}: ${(ns / 1000).toFixed(2)} us`);
    }
  }
  return COMPETITORS.map((c) => ({ ...c, samples: samples[c.id], median: median(samples[c.id]) }));
}

module.exports = { run };
