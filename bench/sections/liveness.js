'use strict';
// (2) isProcessAlive(pid) of a live process (this runner) against kill(pid, 0),
// and against one /proc/<pid>/stat read: all that judging an owner needs, and
// what isProcessAlive (and the judge's single probe) now costs on Linux.
const { median, ratio, rotatedRounds } = require('../lib/stats');
const { us, x, by, target } = require('../lib/format');
const { envFor, runWorker, start } = require('../lib/proc');

const COMPETITORS = [
  { id: 'floor', label: 'C floor: kill(pid, 0)' },
  { id: 'floor-status', label: 'C: kill(pid, 0) + read and scan /proc/<pid>/status' },
  { id: 'floor-stat', label: 'C: kill(pid, 0) + one /proc/<pid>/stat read (state, start time, exit_signal)' },
  { id: 'native', label: 'isProcessAlive(), native backend', backend: 'native' },
  { id: 'js', label: 'isProcessAlive(), JS backend', backend: 'js' },
];

async function runOne(c, cfg, floorBin) {
  const pid = process.pid;
  if (c.id.startsWith('floor')) {
    const mode = c.id === 'floor' ? 'alive' : c.id.slice('floor-'.length);
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

function run(cfg, floorBin, log) {
  return rotatedRounds(COMPETITORS, cfg.rounds, (c) => runOne(c, cfg, floorBin), log, 'liveness', 2);
}

const title = '2 liveness';

function rows(r) {
  const floor = by(r, 'floor').median;
  const stat = by(r, 'floor-stat').median;
  return r.map((c) => {
    // A liveness answer that knows zombies and thread ids needs the /proc read:
    // the bar is the C program doing exactly that, not a bare kill().
    let rel = c.id === 'floor' ? 'floor' : `${x(ratio(c.median, floor))} floor`;
    if (c.backend) rel += `, ${x(ratio(c.median, stat))} the C stat read`;
    const goal = c.id === 'native' ? target('≤ 1.5x the C stat read', ratio(c.median, stat) <= 1.5) : '';
    return { what: c.label, value: us(c.median), rel, target: goal };
  });
}

module.exports = { run, rows, title };
