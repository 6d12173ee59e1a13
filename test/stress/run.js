#!/usr/bin/env node
'use strict';
// The torture harness: 8 workers on one lock, killed, frozen and raced, in three
// configurations (native, JS, mixed). Exits non-zero on any overlap, any worker
// that saw a lock not its own, or any wedge (no acquisition for 10 s while no
// worker is stopped). The work to do sets how long it runs, not a clock: a slow
// machine runs longer rather than failing.
//
//   node test/stress/run.js --ci      >= 10k acquisitions, >= 200 kills per configuration
//   node test/stress/run.js --long    >= 100k acquisitions and >= 1000 kills in total
//   --only=native|js|mixed            one configuration; --json=FILE writes the figures
//   --acquisitions=N --kills=N        other targets per configuration (a quick check of the harness)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runConfig } = require('./supervisor');

const args = process.argv.slice(2);
const flag = (n) => args.includes(`--${n}`);
const value = (n) => args.find((a) => a.startsWith(`--${n}=`))?.split('=')[1];
const long = flag('long');
const only = value('only');
const jsonOut = value('json');
// tmpfs keeps the run CPU-bound rather than journal-bound; --dir=/tmp tests a disk filesystem.
const dir = value('dir') ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());

const root = path.join(__dirname, '..', '..');
if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
delete process.env.PIDLOCK_NO_NATIVE;
const pkg = require(root);
if (pkg.backend !== 'native') {
  console.error(`the native addon does not load (${pkg.loadError}); run \`npm run build:native\``);
  process.exit(2);
}

const WORKERS = 8;
const configs = [
  { name: 'native', backends: Array(WORKERS).fill('native') },
  { name: 'js', backends: Array(WORKERS).fill('js') },
  { name: 'mixed', backends: Array.from({ length: WORKERS }, (_, i) => (i % 2 ? 'js' : 'native')) },
].filter((c) => !only || c.name === only);

const targets = long ? { minAcquisitions: 34_000, minKills: 340 } : { minAcquisitions: 10_000, minKills: 200 };
if (value('acquisitions')) targets.minAcquisitions = Number(value('acquisitions'));
if (value('kills')) targets.minKills = Number(value('kills'));

const say = (s) => console.log(s);

function row(r) {
  return [
    `${r.name}: ${r.acquisitions} acquisitions, ${r.kills} kills (holder ${r.killsBy.holder}, acquiring ${r.killsBy.acquiring},`,
    ` breaking ${r.killsBy.breaking}, frozen ${r.killsBy.frozen}; ${r.killsMidBreak} with a ballot held), ${r.takeovers} takeovers,`,
    ` ${r.stops} stops (${r.longStops} > 1 s), ${r.races} barrier races + ${r.plants - r.races} planted stale locks, ${r.overlaps} overlaps,`,
    ` worst recovery ${r.maxRecoveryMs?.toFixed(1)} ms from SIGKILL (${r.maxRecoveryAfterExitMs?.toFixed(1)} ms from the observed exit), worst race takeover ${r.maxRaceTakeoverMs?.toFixed(1)} ms, ${r.seconds.toFixed(1)} s,`,
    ` leftovers [${r.leftovers.join(', ')}]`,
  ].join('\n  ');
}

async function selfTest() {
  // A harness that cannot see an overlap proves nothing: let workers skip the lock and expect it to notice.
  const r = await runConfig({
    name: 'selftest',
    backends: Array(WORKERS).fill('native'),
    minAcquisitions: Math.min(1500, targets.minAcquisitions),
    minKills: 0,
    sabotage: true,
    say,
    dir,
  });
  const caught = r.overlaps > 0;
  say(
    `self-test (workers skip the lock on 30 % of rounds): ${r.overlaps} overlaps detected in ${r.acquisitions} entries -> ${caught ? 'the witness works' : 'THE WITNESS IS BLIND'}`,
  );
  fs.rmSync(r.dir, { recursive: true, force: true });
  return caught;
}

async function main() {
  say(
    `pidlock stress: ${long ? 'long' : 'ci'} mode, ${WORKERS} workers, lock dir under ${dir}, node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model}, ${os.type()} ${os.release()}`,
  );
  let ok = await selfTest();
  const results = [];
  for (const c of configs) {
    say(`-- ${c.name} (${c.backends.join(',')})`);
    const r = await runConfig({ ...c, ...targets, say, dir });
    results.push(r);
    say(row(r));
    // The verdict: overlaps, violations and wedges; the counts only say how much was tried.
    const problems = [...r.failures, ...r.violations, ...r.overlapSamples];
    if (r.overlaps > 0 || problems.length > 0) {
      ok = false;
      say(`  FAILED; witness log kept in ${r.dir}`);
      for (const p of problems) say(`  ${p}`);
    } else {
      fs.rmSync(r.dir, { recursive: true, force: true });
    }
  }
  const total = results.reduce(
    (a, r) => ({ acquisitions: a.acquisitions + r.acquisitions, kills: a.kills + r.kills, overlaps: a.overlaps + r.overlaps }),
    { acquisitions: 0, kills: 0, overlaps: 0 },
  );
  say(`total: ${total.acquisitions} acquisitions, ${total.kills} kills, ${total.overlaps} overlaps -> ${ok ? 'PASS' : 'FAIL'}`);
  if (jsonOut) {
    const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, os: `${os.type()} ${os.release()}` };
    fs.writeFileSync(
      jsonOut,
      JSON.stringify({ mode: long ? 'long' : 'ci', date: new Date().toISOString(), machine, total, ok, results }, null, 2),
    );
  }
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
