'use strict';
// (6) Cold start: wall time of a fresh Node process that requires a package, against
// one that requires nothing, and the in-process require() against the floor: a
// minimal package (a one-line index.js in front of bench/floor-addon.c, the smallest
// Node-API addon), interleaved in the same run. Every package is found by name in
// one temp app's node_modules, as an app finds its dependencies: pidlock-native is a
// symlink to this checkout there (as `npm link` leaves it), so both pay the same
// resolution walk and realpath. A second floor is the same minimal package behind
// pidlock-native's own `exports` map (read from its package.json): what resolving
// through such a map costs by itself, as the C programs making the package's calls
// are to the C floors. The children run a script file, not `node -e`: -e loads
// node:crypto for itself before the script, which would hide the cost of a package
// that loads it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { median } = require('../lib/stats');
const { ms, plusMs, by, target } = require('../lib/format');
const { ROOT, envFor } = require('../lib/proc');
const { buildFloorAddon } = require('../lib/floor');
const { freshDir } = require('../lib/tmp');

const FLOOR_NAME = 'pidlock-bench-floor';
const MAPPED_NAME = 'pidlock-bench-floor-exports';

// The require is timed inside the child too (bench/workers/timed-require.js):
// the in-process figure has no spawn noise. Its CPU time (cpuMs, in
// results.json and the log) is also kept: on a loaded machine it moves far
// less than the wall time.

const VARIANTS = [
  { id: 'empty', label: 'node <empty script>', name: null },
  { id: 'floor', label: 'floor: require() of a minimal package (one-line index.js + a one-function Node-API addon)', name: FLOOR_NAME },
  {
    id: 'mapped',
    label: "the same minimal package behind pidlock-native's `exports` map (its entries one-line files)",
    name: MAPPED_NAME,
  },
  { id: 'native', label: "require('pidlock-native'), native backend", name: 'pidlock-native', backend: 'native' },
  { id: 'js', label: "require('pidlock-native'), JS backend", name: 'pidlock-native', backend: 'js' },
  { id: 'proper-lockfile', label: "require('proper-lockfile')", name: 'proper-lockfile' },
  { id: 'lockfile', label: "require('lockfile')", name: 'lockfile' },
];

/** A temp app: node_modules/<each package>, and the two scripts the children run. */
function makeApp() {
  const app = freshDir('load-app');
  const modules = path.join(app, 'node_modules');
  const floor = path.join(modules, FLOOR_NAME);
  fs.mkdirSync(floor, { recursive: true });
  fs.copyFileSync(path.join(buildFloorAddon(), 'floor.node'), path.join(floor, 'floor.node'));
  fs.writeFileSync(path.join(floor, 'package.json'), JSON.stringify({ name: FLOOR_NAME, version: '1.0.0', main: 'index.js' }));
  fs.writeFileSync(path.join(floor, 'index.js'), "module.exports = require('./floor.node');\n");
  makeMapped(path.join(modules, MAPPED_NAME), path.join(floor, 'floor.node'));
  fs.symlinkSync(ROOT, path.join(modules, 'pidlock-native'), 'dir');
  for (const dep of ['proper-lockfile', 'lockfile']) fs.symlinkSync(path.join(ROOT, 'node_modules', dep), path.join(modules, dep), 'dir');
  fs.writeFileSync(path.join(app, 'empty.js'), '');
  fs.copyFileSync(path.join(__dirname, '..', 'workers', 'timed-require.js'), path.join(app, 'timed.js'));
  return app;
}

/**
 * The floor behind pidlock-native's `exports` map: every file the map names exists
 * (one line each), so require() resolves `.` through the map to a one-line entry
 * that loads the floor's addon.
 */
function makeMapped(dir, addon) {
  const { exports: map, main } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  // `main` and the map's require entry name one file (dist/index.js, ./dist/index.js): written once.
  const files = new Set([main, ...Object.values(map['.']).flatMap((c) => Object.values(c))].map((f) => path.join(dir, f)));
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(addon, path.join(dir, 'floor.node'));
  for (const file of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const entry =
      file.endsWith('.js') && `module.exports = require('./${path.relative(path.dirname(file), path.join(dir, 'floor.node'))}');\n`;
    fs.writeFileSync(file, entry || '\n');
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: MAPPED_NAME, version: '1.0.0', main, exports: map }));
}

function envOf(v) {
  const env = envFor(v.backend);
  // With it set, the first dlopen() of any addon in a process took ~7 ms here
  // instead of ~1 ms: the machine's cost, which would swell the floor and hide the
  // package's. scripts/test.js drops it for the same reason.
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

function once(app, v) {
  const args = v.name === null ? [path.join(app, 'empty.js')] : [path.join(app, 'timed.js'), v.name];
  if (v.backend) args.push(path.join(app, `first-${v.id}.pid`));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: app, env: envOf(v), encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`load ${v.id} failed: ${r.stderr}`);
  if (v.name === null) return { wallMs, requireMs: NaN, cpuMs: NaN, firstMs: NaN };
  const out = JSON.parse(r.stdout);
  if (v.backend && out.backend !== v.backend) throw new Error(`expected the ${v.backend} backend, the child loaded ${out.backend}`);
  return { wallMs, requireMs: out.ms, cpuMs: out.cpuMs, firstMs: out.firstMs ?? NaN };
}

async function run(cfg, log) {
  const app = makeApp();
  const samples = Object.fromEntries(VARIANTS.map((v) => [v.id, []]));
  for (const v of VARIANTS) once(app, v); // page cache and each addon's first dlopen
  for (let i = 0; i < cfg.repeats; i++) {
    for (const v of VARIANTS) samples[v.id].push(once(app, v));
  }
  const results = VARIANTS.map((v) => ({
    ...v,
    wallMs: median(samples[v.id].map((s) => s.wallMs)),
    requireMs: median(samples[v.id].map((s) => s.requireMs)),
    cpuMs: median(samples[v.id].map((s) => s.cpuMs)),
    firstMs: median(samples[v.id].map((s) => s.firstMs)),
  }));
  for (const r of results)
    log(
      `load ${r.id}: ${r.wallMs.toFixed(1)} ms wall` +
        (Number.isNaN(r.requireMs) ? '' : `, ${r.requireMs.toFixed(1)} ms require (${r.cpuMs.toFixed(1)} ms CPU)`) +
        (Number.isNaN(r.firstMs) ? '' : `, first tryAcquire()+release() ${r.firstMs.toFixed(2)} ms`),
    );
  return results;
}

const title = '6 cold load';

function rows(r) {
  const empty = by(r, 'empty').wallMs;
  const floor = by(r, 'floor').requireMs;
  const mapped = by(r, 'mapped').requireMs;
  return r.map((c) => {
    const extra = c.wallMs - empty;
    let vsFloor = Number.isFinite(floor) && c.id !== 'floor' ? `, ${(c.requireMs / floor).toFixed(2)}x the floor's` : '';
    if (c.name === 'pidlock-native' && Number.isFinite(mapped)) vsFloor += `, ${(c.requireMs / mapped).toFixed(2)}x the same map's`;
    const first = Number.isNaN(c.firstMs) ? '' : `; then the first tryAcquire()+release() ${ms(c.firstMs)}`;
    const rel = c.id === 'empty' ? 'baseline' : `${plusMs(extra)} wall; require() itself ${ms(c.requireMs)}${vsFloor}${first}`;
    let goal = '';
    if (c.id === 'native') goal = target("require() ≤ 2x the floor's", c.requireMs <= 2 * floor);
    else if (c.id === 'js') goal = target('≤ +10 ms', extra <= 10);
    return { what: c.label, value: ms(c.wallMs), rel, target: goal };
  });
}

module.exports = { run, rows, title };
