'use strict';
// (6) Cold start: wall time of a fresh `node -e` that requires the package,
// against an empty `node -e ''`, and the in-process require() against the
// smallest addon behind a one-line module (bench/floor-addon.c), interleaved in
// the same run.
const { spawnSync } = require('node:child_process');
const { median } = require('../lib/stats');
const { ms, by, target } = require('../lib/format');
const { ROOT, envFor } = require('../lib/proc');
const { buildFloorAddon } = require('../lib/floor');

// The require is timed inside the child too: the in-process figure has no spawn noise.
const timed = (mod) =>
  `const t=process.hrtime.bigint();const m=require(${JSON.stringify(mod)});` +
  'process.stdout.write(JSON.stringify({ms:Number(process.hrtime.bigint()-t)/1e6,backend:m.backend}))';

const VARIANTS = [
  { id: 'empty', label: "node -e ''", script: '' },
  { id: 'floor', label: 'floor: require() of a minimal Node-API addon behind a one-line module', script: null },
  { id: 'native', label: "require('pidlock-native'), native backend", script: timed('pidlock-native'), backend: 'native' },
  { id: 'js', label: "require('pidlock-native'), JS backend", script: timed('pidlock-native'), backend: 'js' },
  { id: 'proper-lockfile', label: "require('proper-lockfile')", script: timed('proper-lockfile') },
  { id: 'lockfile', label: "require('lockfile')", script: timed('lockfile') },
];

function once(v) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', v.script], { cwd: ROOT, env: envFor(v.backend), encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`load ${v.id} failed: ${r.stderr}`);
  if (v.script === '') return { wallMs, requireMs: NaN };
  const out = JSON.parse(r.stdout);
  if (v.backend && out.backend !== v.backend) throw new Error(`expected the ${v.backend} backend, the child loaded ${out.backend}`);
  return { wallMs, requireMs: out.ms };
}

async function run(cfg, log) {
  VARIANTS.find((v) => v.id === 'floor').script = timed(buildFloorAddon());
  const samples = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
  once(VARIANTS[1]); // page cache and the addon's first dlopen
  for (let i = 0; i < cfg.repeats; i++) {
    for (const v of VARIANTS) samples[v.id].push(once(v));
  }
  const results = VARIANTS.map((v) => ({
    ...v,
    wallMs: median(samples[v.id].map((s) => s.wallMs)),
    requireMs: median(samples[v.id].map((s) => s.requireMs)),
  }));
  for (const r of results)
    log(`load ${r.id}: ${r.wallMs.toFixed(1)} ms wall, ${Number.isNaN(r.requireMs) ? '-' : r.requireMs.toFixed(1)} ms require`);
  return results;
}

const title = '6 cold load';

function rows(r) {
  const empty = by(r, 'empty').wallMs;
  const floor = by(r, 'floor').requireMs;
  return r.map((c) => {
    const extra = c.wallMs - empty;
    const vsFloor = Number.isFinite(floor) && c.id !== 'floor' ? `, ${(c.requireMs / floor).toFixed(2)}x the floor's` : '';
    const rel = c.id === 'empty' ? 'baseline' : `+${ms(extra)} wall; require() itself ${ms(c.requireMs)}${vsFloor}`;
    let goal = '';
    if (c.id === 'native') goal = target("require() ≤ 2x the floor's", c.requireMs <= 2 * floor);
    else if (c.id === 'js') goal = target('≤ +10 ms', extra <= 10);
    return { what: c.label, value: ms(c.wallMs), rel, target: goal };
  });
}

module.exports = { run, rows, title };
