'use strict';
// (5) 8 processes share one lock for a fixed time; every acquisition is
// checked for exclusion. Reports throughput and the busiest/least busy spread.
const { median } = require('../lib/stats');
const { x } = require('../lib/format');
const { envFor, worker } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');

const PROCS = 8;
const EVERY_20MS = { retries: 5000, factor: 1, minTimeout: 20, maxTimeout: 20 };

const CONFIGS = [
  {
    id: 'native',
    label: 'pidlock-native, native, acquireSync() (retryInterval 20 ms)',
    lib: 'pidlock',
    backend: 'native',
    opts: { timeout: 10000 },
  },
  { id: 'js', label: 'pidlock-native, JS, acquireSync() (retryInterval 20 ms)', lib: 'pidlock', backend: 'js', opts: { timeout: 10000 } },
  {
    id: 'native-async',
    label: 'pidlock-native, native, await acquire() (retryInterval 20 ms)',
    lib: 'pidlock',
    backend: 'native',
    opts: { timeout: 10000, async: true },
  },
  { id: 'proper-lockfile', label: 'proper-lockfile, lock() retrying every 20 ms', lib: 'proper-lockfile', opts: { retries: EVERY_20MS } },
  { id: 'lockfile', label: 'lockfile, lock({ wait, pollPeriod: 20 })', lib: 'lockfile', opts: { timeout: 10000, pollPeriod: 20 } },
];

async function once(c, cfg) {
  const dir = freshDir(`contend-${c.id}`);
  // Room for 8 Node processes to start on 2 cores before the clock starts.
  const startAt = process.hrtime.bigint() + BigInt(cfg.startDelayMs * 1e6);
  const procs = Array.from({ length: PROCS }, () =>
    worker('contend.js', [c.lib, dir, startAt.toString(), cfg.durationMs, JSON.stringify(c.opts)], { env: envFor(c.backend) }),
  );
  const outs = await Promise.all(
    procs.map(async (p) => {
      const { code, signal } = await p.exit;
      if (code !== 0) throw new Error(`contend ${c.id} failed (${code ?? signal}): ${p.stderr}`);
      return p.next();
    }),
  );
  const counts = outs.map((o) => o.count);
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    perSec: total / (cfg.durationMs / 1000),
    max: Math.max(...counts),
    min: Math.min(...counts),
    violations: outs.reduce((a, o) => a + o.violations, 0),
    timeouts: outs.reduce((a, o) => a + o.timeouts, 0),
    // > 0: a worker was still starting when the clock started (the machine is overloaded).
    lateMs: Math.max(...outs.map((o) => o.readyMs)),
  };
}

async function run(cfg, log) {
  const results = [];
  for (const c of CONFIGS) {
    const runs = [];
    for (let i = 0; i < cfg.repeats; i++) {
      const r = await once(c, cfg);
      runs.push(r);
      log(
        `contention ${c.id} ${i + 1}/${cfg.repeats}: ${r.perSec.toFixed(0)}/s, busiest ${r.max}, least busy ${r.min}, violations ${r.violations}, last ready ${r.lateMs.toFixed(0)} ms after start`,
      );
    }
    results.push({
      ...c,
      runs,
      perSec: median(runs.map((r) => r.perSec)),
      max: median(runs.map((r) => r.max)),
      min: median(runs.map((r) => r.min)),
      violations: runs.reduce((a, r) => a + r.violations, 0),
      timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
    });
  }
  return results;
}

const title = '5 contention (8 procs)';

function rows(r) {
  return r.map((c) => ({
    what: c.label,
    value: `${Math.round(c.perSec)} acq/s`,
    rel: `busiest/least busy: ${Math.round(c.max)}/${Math.round(c.min)} = ${c.min > 0 ? x(c.max / c.min) : '∞ (least busy: 0)'}`,
    target: `exclusion violations: ${c.violations}${c.violations ? ' **FAILURE**' : ''}${c.timeouts ? `; waits timed out: ${c.timeouts}` : ''}`,
  }));
}

module.exports = { run, rows, title, PROCS };
