'use strict';
// (3d) Many waiters. Queue: `count` waiter processes on one lock (native, JS,
// or half of each; sync and async alternating), each holding it `holdMs` once
// it gets it: whether every one is served, how long the queue takes to drain
// beside its ideal (count x holdMs), and what the idle waiters cost in CPU while
// the first holder still holds it. Churn: one idle waiter while other files are
// created and unlinked beside the lock (`churnPerSec`): its CPU per second.
// Hand-off: the JS backend's acquire(), woken by fs.watch alone.
// The targets sit here, beside the rows they judge.
const fs = require('node:fs');
const path = require('node:path');
const { envFor, worker, sleep, killAll } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');
const { median } = require('../lib/stats');
const { ms, target } = require('../lib/format');
const { cpuNs, handoff } = require('./wake');

const TARGETS = {
  /** One idle waiter's CPU while 5,000 other entries a second churn in the lock's directory. */
  churnCpuMsPerSec: 5,
  /** The JS backend's hand-off: release() returned -> an acquire() waiter holds the lock. */
  jsHandoffMs: 3,
};

// The holders outlive the worker's default 120 s: a queue lasts as long as its
// waiters take to start (200 polling JS waiters fill both cores), a churn run
// the whole section.
const HOLDER_TIMEOUT_MS = 600_000;

const QUEUES = [
  { id: 'native', label: 'native waiters', backend: () => 'native' },
  { id: 'js', label: 'JS waiters', backend: () => 'js' },
  { id: 'mixed', label: 'mixed: half native, half JS', backend: (i) => (i % 2 ? 'js' : 'native') },
];

const CHURN = [
  { id: 'native-sync', label: 'native, acquireSync()', backend: 'native', mode: 'sync' },
  { id: 'native-async', label: 'native, await acquire()', backend: 'native', mode: 'async' },
  // Its retryInterval polls (no exit watch without the addon) are its floor: the quiet column.
  { id: 'js-async', label: 'JS, await acquire() (polls every 20 ms)', backend: 'js', mode: 'async' },
];

async function queue(q, cfg, log) {
  const dir = freshDir(`queue-${q.id}`);
  const holder = worker('holder.js', ['pidlock', dir, '{}'], { env: envFor('native'), timeoutMs: HOLDER_TIMEOUT_MS });
  const waiters = [];
  try {
    await holder.next('held');
    for (let i = 0; i < cfg.count; i++) {
      const w = worker('queue-waiter.js', [dir, i % 2 ? 'async' : 'sync', cfg.holdMs], {
        env: envFor(q.backend(i)),
        timeoutMs: 600_000,
      });
      waiters.push(w);
      await w.next('waiting');
    }
    // Past start-up and the first attempts: only the waiting is measured.
    await sleep(1500);
    const pids = waiters.map((w) => w.child.pid);
    const sum = () => pids.reduce((s, pid) => s + cpuNs(pid), 0);
    const before = sum();
    await sleep(cfg.idleWindowMs);
    const idleCpuMsPerSec = (sum() - before) / 1e6 / (cfg.idleWindowMs / 1000);
    holder.kill('SIGUSR2');
    const released = await holder.next('released');
    const got = await Promise.all(
      waiters.map((w) =>
        w.next('acquired').then(
          (e) => BigInt(e.at),
          (err) => {
            // A waiter that ended without the lock: why, for the log.
            log(`queue ${q.id}: a waiter was not served: ${err.message.slice(0, 600)}`);
            return null;
          },
        ),
      ),
    );
    const served = got.filter((at) => at !== null);
    const last = served.reduce((a, b) => (b > a ? b : a), BigInt(released.at));
    const drainMs = Number(last - BigInt(released.at)) / 1e6;
    log(`queue ${q.id}: ${served.length}/${cfg.count} served in ${drainMs.toFixed(0)} ms, idle ${idleCpuMsPerSec.toFixed(1)} ms/s`);
    return { ...q, count: cfg.count, served: served.length, drainMs, holdMs: cfg.holdMs, idealMs: cfg.count * cfg.holdMs, idleCpuMsPerSec };
  } finally {
    await killAll(holder, ...waiters);
  }
}

/** Creates and unlinks `perSec` other files a second beside the lock for `ms`, in 10 ms slices. */
function churn(dir, perSec, ms) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const end = performance.now() + ms;
  const slice = Math.max(1, Math.round(perSec / 100));
  let n = 0;
  for (let next = performance.now(); performance.now() < end; next += 10) {
    for (let i = 0; i < slice; i++, n++) {
      const f = path.join(dir, `other-${n}.tmp`);
      fs.writeFileSync(f, '');
      fs.unlinkSync(f);
    }
    Atomics.wait(cell, 0, 0, Math.max(0, next + 10 - performance.now()));
  }
  return n;
}

async function churnCpu(c, cfg, log) {
  const dir = freshDir(`churn-${c.id}`);
  const holder = worker('holder.js', ['pidlock', dir, '{}'], { env: envFor('native'), timeoutMs: HOLDER_TIMEOUT_MS });
  let waiter = null;
  try {
    await holder.next('held');
    waiter = worker('idle-waiter.js', [dir, c.mode], { env: envFor(c.backend) });
    await waiter.next('waiting');
    await sleep(1500);
    // Its own cost first (a JS waiter polls on its retryInterval), then with the churn.
    let before = cpuNs(waiter.child.pid);
    await sleep(cfg.churnMs);
    const quietMsPerSec = (cpuNs(waiter.child.pid) - before) / 1e6 / (cfg.churnMs / 1000);
    before = cpuNs(waiter.child.pid);
    const t0 = performance.now();
    const files = churn(dir, cfg.churnPerSec, cfg.churnMs);
    const secs = (performance.now() - t0) / 1000;
    const cpuMsPerSec = (cpuNs(waiter.child.pid) - before) / 1e6 / secs;
    const perSec = files / secs;
    log(`churn ${c.id}: ${cpuMsPerSec.toFixed(2)} ms/s of CPU at ${perSec.toFixed(0)} files/s (quiet: ${quietMsPerSec.toFixed(2)})`);
    return { ...c, cpuMsPerSec, quietMsPerSec, perSec };
  } finally {
    await killAll(holder, waiter);
  }
}

async function run(cfg, log) {
  if (process.platform !== 'linux') return null; // CPU from /proc
  const queues = [];
  for (const q of QUEUES) queues.push(await queue(q, cfg, log));
  const churned = [];
  for (const c of CHURN) churned.push(await churnCpu(c, cfg, log));
  const hand = { id: 'js-async', backend: 'js', opts: { async: true } };
  const samples = [];
  for (let i = 0; i < cfg.handoffRepeats; i++) samples.push((await handoff(hand, { releaseAfterMs: 200 })).ms);
  log(`js async hand-off: ${samples.map((s) => s.toFixed(2)).join(' ')} ms`);
  return { queues, churn: churned, jsHandoff: { samples, median: median(samples) } };
}

const title = '3d many waiters';

function rows(r) {
  if (!r) return [];
  const out = r.queues.map((q) => ({
    what: `${q.count} ${q.label} on one lock, each holding it ${q.holdMs} ms: drain time`,
    value: ms(q.drainMs),
    rel: `ideal ${ms(q.idealMs)}; the idle waiters' CPU ${q.idleCpuMsPerSec.toFixed(1)} ms/s in total`,
    target: target(`every waiter served (${q.served}/${q.count})`, q.served === q.count),
  }));
  for (const c of r.churn) {
    out.push({
      what: `one idle waiter, ${c.label}, while ${c.perSec.toFixed(0)} other files/s churn beside the lock: CPU per second`,
      value: `${c.cpuMsPerSec.toFixed(2)} ms/s`,
      rel: `quiet directory: ${c.quietMsPerSec.toFixed(2)} ms/s`,
      target: target(`≤ ${TARGETS.churnCpuMsPerSec} ms/s`, c.cpuMsPerSec <= TARGETS.churnCpuMsPerSec),
    });
  }
  out.push({
    what: `JS backend, await acquire() woken by fs.watch: release() returned → it holds the lock (n=${r.jsHandoff.samples.length})`,
    value: ms(r.jsHandoff.median),
    rel: '',
    target: target(`≤ ${TARGETS.jsHandoffMs} ms`, r.jsHandoff.median <= TARGETS.jsHandoffMs),
  });
  return out;
}

module.exports = { run, rows, title };
