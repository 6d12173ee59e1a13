'use strict';
// (3b) Release hand-off: the holder calls release() while a waiter waits; time
// from release() returning to the waiter holding the lock, and how long
// release() itself took. Floor: a C process's inotify watch seeing the same
// release (bench/floor-wake.c).
// (3c) Waiter CPU: processes blocked in a wait for a lock that stays held, CPU
// time of all their threads over `cpuWindowMs`, beside a floor: the same worker
// idle on a timer, whose CPU is Node's own (a GC some seconds after start-up).
const fs = require('node:fs');
const path = require('node:path');
const { median } = require('../lib/stats');
const { ms, plusMs, target } = require('../lib/format');
const { envFor, withBaseline, worker, start, sleep, killAll } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');
const { buildFloor } = require('../lib/floor');

const HANDOFF = withBaseline(
  [
    { id: 'floor', label: "floor: a C waiter's inotify sees the lock file go (bench/floor-wake.c)", backend: 'native' },
    {
      id: 'release-floor',
      label: 'floor of release(): a C holder (bench/floor-wake.c hold) releases, a C waiter sees it',
      backend: 'native',
    },
    {
      id: 'node-floor',
      label: "Node's own: a bare Node process's fs.watch sees the lock file go (bench/workers/node-watch.js)",
      backend: 'native',
    },
    { id: 'native-async', label: 'pidlock-native, native, await acquire()', backend: 'native', opts: { async: true } },
    { id: 'native-sync', label: 'pidlock-native, native, acquireSync()', backend: 'native', opts: {} },
    { id: 'js-async', label: 'pidlock-native, JS, await acquire()', backend: 'js', opts: { async: true } },
    { id: 'js-sync', label: 'pidlock-native, JS, acquireSync() (timer only)', backend: 'js', opts: {} },
  ],
  ['native-async', 'native-sync'],
);

const CPU = [
  { id: 'idle', label: 'floor: the same worker process, package loaded, idle on a timer', backend: 'native', opts: { idle: true } },
  {
    id: 'native-async',
    label: 'pidlock-native, native, await acquire() (default retryInterval)',
    backend: 'native',
    opts: { async: true },
  },
  { id: 'native-sync', label: 'pidlock-native, native, acquireSync() (default retryInterval)', backend: 'native', opts: {} },
  { id: 'js-async', label: 'pidlock-native, JS, await acquire() (default retryInterval)', backend: 'js', opts: { async: true } },
  { id: 'js-sync', label: 'pidlock-native, JS, acquireSync() (default retryInterval)', backend: 'js', opts: {} },
];

async function handoff(c, cfg) {
  const dir = freshDir(`handoff-${c.id}`);
  const env = envFor(c.backend, c.pkg);
  const holder =
    c.id === 'release-floor'
      ? start(buildFloor('floor-wake'), ['hold', path.join(dir, 'bench.lock')])
      : worker('holder.js', ['pidlock', dir, '{}'], { env });
  let waiter = null;
  try {
    await holder.next('held');
    if (c.id === 'floor' || c.id === 'release-floor') waiter = start(buildFloor('floor-wake'), ['dir', dir, 'bench.lock']);
    else if (c.id === 'node-floor') waiter = worker('node-watch.js', [path.join(dir, 'bench.lock')]);
    else waiter = worker('waiter.js', ['pidlock', dir, JSON.stringify({ timeout: 30000, ...c.opts })], { env });
    await waiter.next('waiting');
    await sleep(cfg.releaseAfterMs);
    holder.kill('SIGUSR2');
    const released = await holder.next('released');
    const got = await waiter.next('acquired');
    return {
      ms: Number(BigInt(got.at) - BigInt(released.done)) / 1e6,
      releaseMs: Number(BigInt(released.done) - BigInt(released.at)) / 1e6,
    };
  } finally {
    await killAll(holder, waiter);
  }
}

/** ns on CPU of every thread of `pid` (schedstat is per thread and exact). */
function cpuNs(pid) {
  let sum = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    sum += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]);
  }
  return sum;
}

/**
 * Waiters of one backend together, the backends one after the other: a JS
 * waiter's polls create and delete temp files beside the lock, events that a
 * native waiter's directory watch would then have to look at.
 */
async function waiterCpu(cfg, backend) {
  const dir = freshDir(`waiter-cpu-${backend}`);
  const holder = worker('holder.js', ['pidlock', dir, '{}'], { env: envFor('native') });
  const configs = CPU.filter((c) => c.backend === backend);
  const waiters = [];
  try {
    await holder.next('held');
    for (const c of configs) {
      const w = worker('waiter.js', ['pidlock', dir, JSON.stringify({ timeout: cfg.cpuWindowMs + 60000, ...c.opts })], {
        env: envFor(c.backend),
      });
      waiters.push(w);
      await w.next('waiting');
    }
    // Past start-up and the first attempts: only the waiting is measured.
    await sleep(1500);
    const before = waiters.map((w) => cpuNs(w.child.pid));
    await sleep(cfg.cpuWindowMs);
    const after = waiters.map((w) => cpuNs(w.child.pid));
    return configs.map((c, i) => ({ ...c, cpuMs: (after[i] - before[i]) / 1e6, windowMs: cfg.cpuWindowMs }));
  } finally {
    await killAll(holder, ...waiters);
  }
}

async function run(cfg, log) {
  const samples = new Map(HANDOFF.map((c) => [c, []]));
  const releases = new Map(HANDOFF.map((c) => [c, []]));
  for (let i = 0; i < cfg.repeats; i++) {
    for (const c of HANDOFF) {
      const got = await handoff(c, cfg);
      samples.get(c).push(got.ms);
      releases.get(c).push(got.releaseMs);
      log(`handoff ${c.id} ${i + 1}/${cfg.repeats}: ${got.ms.toFixed(2)} ms after release(), which took ${got.releaseMs.toFixed(2)} ms`);
    }
  }
  const cpu = process.platform === 'linux' ? [...(await waiterCpu(cfg, 'native')), ...(await waiterCpu(cfg, 'js'))] : [];
  for (const c of cpu) log(`waiter cpu ${c.id}: ${c.cpuMs.toFixed(2)} ms over ${c.windowMs} ms`);
  return {
    handoff: HANDOFF.map((c) => ({ ...c, samples: samples.get(c), median: median(samples.get(c)), releaseMs: median(releases.get(c)) })),
    cpu,
  };
}

const title = '3b release hand-off';

function handoffTarget(c) {
  if (c.id === 'js-sync') return 'timer only: half the retryInterval expected';
  if (c.backend === 'native') return `${target('≤ 1.0 ms', c.median <= 1)}; ${target('release() ≤ 0.3 ms', c.releaseMs <= 0.3)}`;
  return target('≤ 3 ms', c.median <= 3);
}

function rows(r) {
  const by = (id) => r.handoff.find((c) => c.id === id);
  const floor = by('floor');
  const nodeFloor = by('node-floor');
  const cRelease = by('release-floor').releaseMs;
  const out = r.handoff.map((c) => {
    let rel = 'floor';
    if (c.id === 'release-floor') rel = `the C release (lstat, unlink, close) took ${ms(c.releaseMs)}`;
    else if (c !== floor) rel = `${plusMs(c.median - floor.median)} over floor`;
    const ours = !c.id.endsWith('floor');
    if (ours) rel += `, ${plusMs(c.median - nodeFloor.median)} over Node's own; release() took ${ms(c.releaseMs)} (C: ${ms(cRelease)})`;
    return {
      what: `${c.label}, from release() returned (n=${c.samples.length})`,
      value: ms(c.median),
      rel,
      target: ours && !c.pkg ? handoffTarget(c) : '',
    };
  });
  const idle = r.cpu.find((c) => c.id === 'idle');
  for (const c of r.cpu) {
    // What the wait itself costs: the waiter's CPU over the idle floor's.
    const own = idle ? c.cpuMs - idle.cpuMs : c.cpuMs;
    let rel = 'floor';
    if (c !== idle)
      rel = `${idle ? `${own >= 0 ? '+' : ''}${ms(own)} over the floor; ` : ''}${((100 * c.cpuMs) / c.windowMs).toFixed(3)} % of one core`;
    let goal = '';
    if (c !== idle && c.backend === 'native')
      goal = target('no CPU between events (≤ 1 ms per 10 s over the floor)', own <= c.windowMs / 10000);
    else if (c !== idle) goal = 'polls on its timer';
    out.push({
      section: '3c waiter CPU',
      what: `${c.label}, over ${c.windowMs / 1000} s of waiting`,
      value: ms(c.cpuMs),
      rel,
      target: goal,
    });
  }
  return out;
}

module.exports = { run, rows, title, handoff, cpuNs };
