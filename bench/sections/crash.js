'use strict';
// (3) A holder is SIGKILLed while a waiter waits: time from the kill to the
// waiter holding the lock. Holder and waiter use the same library and options.
const { median, ratio } = require('../lib/stats');
const { ms, plusMs, x, by, target } = require('../lib/format');
const path = require('node:path');
const { envFor, withBaseline, worker, start, sleep, killAll } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');
const { buildFloor } = require('../lib/floor');

/** proper-lockfile's retries option as a number uses the `retry` package's backoff: 1 s, 2 s, 4 s, ... */
const DEFAULT_BACKOFF = 20;
const EVERY_20MS = { retries: 5000, factor: 1, minTimeout: 20, maxTimeout: 20 };

/** A pidlock waiter of one backend, acquireSync() or await acquire(), on the default retryInterval. */
function pidlockCase(backend, async) {
  const call = async ? 'await acquire()' : 'acquireSync()';
  return {
    id: `${backend}-${async ? 'async' : 'sync'}`,
    label: `pidlock-native, ${backend === 'js' ? 'JS' : backend}, ${call} (default retryInterval 20 ms)`,
    lib: 'pidlock',
    backend,
    opts: async ? { timeout: 30000, async: true } : { timeout: 30000 },
  };
}

const CONFIGS = withBaseline(
  [
    {
      id: 'floor',
      label: "floor: the holder's teardown, as a C waiter's pidfd sees it (bench/floor-wake.c)",
      lib: 'floor',
      backend: 'native',
      opts: {},
    },
    {
      id: 'takeover-floor',
      label:
        "C, the native takeover's calls after the same wake (bench/floor-wake.c takeover): look, kill, ballot, look, kill, unlink, listing, ballot release, publish",
      lib: 'floor',
      backend: 'native',
      opts: {},
      takeover: true,
    },
    ...['native', 'js'].flatMap((backend) => [pidlockCase(backend, false), pidlockCase(backend, true)]),
    {
      id: 'proper-default',
      label: 'proper-lockfile, stale 10000 (default), retries: 20 (default backoff)',
      lib: 'proper-lockfile',
      opts: { retries: DEFAULT_BACKOFF },
      slow: true,
    },
    {
      id: 'proper-min',
      label: 'proper-lockfile, stale 2000 (its minimum), retries: 20 (default backoff)',
      lib: 'proper-lockfile',
      opts: { stale: 2000, retries: DEFAULT_BACKOFF },
      slow: true,
    },
    {
      id: 'proper-min-fast',
      label: 'proper-lockfile, stale 2000 (its minimum), retry every 20 ms',
      lib: 'proper-lockfile',
      opts: { stale: 2000, retries: EVERY_20MS },
      slow: true,
    },
    {
      id: 'lockfile',
      label: 'lockfile, { wait: 30000, stale: 2000 } (default pollPeriod 100 ms)',
      lib: 'lockfile',
      opts: { timeout: 30000, stale: 2000 },
      slow: true,
    },
  ],
  ['native-sync', 'native-async'],
);

async function once(c, cfg) {
  const dir = freshDir(`crash-${c.id}`);
  const env = envFor(c.backend, c.pkg);
  const json = JSON.stringify(c.opts);
  // The floor's holder is pidlock's (native), so the teardown is the same process's.
  const holder = worker('holder.js', [c.lib === 'floor' ? 'pidlock' : c.lib, dir, json], { env });
  let waiter = null;
  try {
    const held = await holder.next('held');
    // The holder's lock is bench.lock in dir (bench/lib/libs.js), which the C takeover breaks.
    const floorArgs = c.takeover ? ['takeover', String(held.pid), path.join(dir, 'bench.lock')] : ['exit', String(held.pid)];
    waiter = c.lib === 'floor' ? start(buildFloor('floor-wake'), floorArgs) : worker('waiter.js', [c.lib, dir, json], { env });
    await waiter.next('waiting');
    // Let the waiter get into its retry loop before the holder dies.
    await sleep(cfg.killAfterMs);
    const killedAt = process.hrtime.bigint();
    holder.kill('SIGKILL');
    const got = await waiter.next('acquired');
    return Number(BigInt(got.at) - killedAt) / 1e6;
  } finally {
    await killAll(holder, waiter);
  }
}

async function run(cfg, log) {
  const samples = new Map(CONFIGS.map((c) => [c, []]));
  const n = (c) => (c.slow ? cfg.slowRepeats : cfg.repeats);
  // Interleaved, so the floor and every library see the same moments of load.
  for (let i = 0; i < Math.max(...CONFIGS.map(n)); i++) {
    for (const c of CONFIGS) {
      if (i >= n(c)) continue;
      const ms = await once(c, cfg);
      samples.get(c).push(ms);
      log(`crash ${c.id} ${i + 1}/${n(c)}: ${ms.toFixed(1)} ms`);
    }
  }
  return CONFIGS.map((c) => ({ ...c, samples: samples.get(c), median: median(samples.get(c)) }));
}

const title = '3 crash recovery';

function rows(r) {
  const proper = by(r, 'proper-default').median;
  const floor = by(r, 'floor').median;
  const takeover = by(r, 'takeover-floor').median;
  return r.map((c) => {
    let rel = '';
    if (c.id === 'floor') rel = 'floor';
    else if (c.id === 'takeover-floor') rel = `${plusMs(c.median - floor)} over floor`;
    else if (c.lib === 'pidlock') {
      rel =
        `${plusMs(c.median - floor)} over floor (${x(ratio(c.median, floor))}), ${plusMs(c.median - takeover)} over the C takeover; ` +
        `proper-lockfile (default) is ${x(ratio(proper, c.median))} this`;
    }
    // Only the native backend can watch a holder's exit; the JS one waits for its timer.
    let goal = '';
    if (c.pkg) goal = '';
    else if (c.lib === 'pidlock' && c.backend === 'native')
      goal = target('holder gone → held ≤ 1.5 ms over floor', c.median - floor <= 1.5);
    else if (c.lib === 'pidlock') goal = target('≤ 50 ms (timer)', c.median <= 50);
    else if (c.lib === 'proper-lockfile') goal = `≥ 2000 ms expected: ${c.median >= 2000 ? 'yes' : 'no'}`;
    return { what: `${c.label} (n=${c.samples.length})`, value: ms(c.median), rel, target: goal };
  });
}

module.exports = { run, rows, title };
