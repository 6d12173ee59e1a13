'use strict';
// (4) The holder is SIGSTOPped for 5 s while a waiter waits with a 4 s timeout.
// A live (only frozen) holder's lock taken by the waiter is a stolen lock: a failure.
const { envFor, worker, sleep, killAll } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');
const { target } = require('../lib/format');

const FREEZE_MS = 5000;
const WAIT_MS = 4000;
const POLL_100MS_FOR_4S = { retries: 40, factor: 1, minTimeout: 100, maxTimeout: 100 };

const CONFIGS = [
  {
    id: 'native-sync',
    label: 'pidlock-native, native, acquireSync({ timeout: 4000 })',
    lib: 'pidlock',
    backend: 'native',
    opts: { timeout: WAIT_MS },
  },
  {
    id: 'native-async',
    label: 'pidlock-native, native, await acquire({ timeout: 4000 })',
    lib: 'pidlock',
    backend: 'native',
    opts: { timeout: WAIT_MS, async: true },
  },
  { id: 'js-sync', label: 'pidlock-native, JS, acquireSync({ timeout: 4000 })', lib: 'pidlock', backend: 'js', opts: { timeout: WAIT_MS } },
  {
    id: 'proper-default',
    label: 'proper-lockfile, stale 10000 (default), retry every 100 ms for 4 s',
    lib: 'proper-lockfile',
    opts: { retries: POLL_100MS_FOR_4S },
  },
  {
    id: 'proper-min',
    label: 'proper-lockfile, stale 2000 (its minimum), retry every 100 ms for 4 s',
    lib: 'proper-lockfile',
    opts: { stale: 2000, retries: POLL_100MS_FOR_4S },
  },
  { id: 'lockfile', label: 'lockfile, { wait: 4000, stale: 2000 }', lib: 'lockfile', opts: { timeout: WAIT_MS, stale: 2000 } },
];

async function once(c) {
  const dir = freshDir(`frozen-${c.id}`);
  const env = envFor(c.backend);
  const json = JSON.stringify(c.opts);
  const holder = worker('holder.js', [c.lib, dir, json], { env });
  let waiter = null;
  try {
    await holder.next('held');
    holder.kill('SIGSTOP');
    const frozenAt = Date.now();
    waiter = worker('waiter.js', [c.lib, dir, json], { env });
    const result = await waiter.next();
    const verdict = (await (result.event === 'waiting' ? waiter.next() : result)).event;
    await sleep(Math.max(0, frozenAt + FREEZE_MS - Date.now()));
    holder.kill('SIGCONT');
    // Give a resumed proper-lockfile holder the time to notice that it lost its lock.
    await sleep(1500);
    const compromised = await Promise.race([
      holder.next('compromised').then(
        () => true,
        () => false,
      ),
      sleep(10).then(() => false),
    ]);
    if (verdict !== 'acquired' && verdict !== 'timeout') throw new Error(`frozen ${c.id}: waiter said ${verdict}: ${waiter.stderr}`);
    return { stolen: verdict === 'acquired', holderNoticed: compromised };
  } finally {
    await killAll(holder, waiter);
  }
}

async function run(cfg, log) {
  const results = [];
  for (let r = 0; r < cfg.repeats; r++) {
    // The scenarios use separate directories and mostly sleep: running them together saves 5 s each.
    const outs = await Promise.all(CONFIGS.map((c) => once(c)));
    outs.forEach((o, i) => {
      log(`frozen ${CONFIGS[i].id} ${r + 1}/${cfg.repeats}: ${o.stolen ? 'STOLEN' : 'kept'}`);
      if (r === 0) results.push({ ...CONFIGS[i], trials: [] });
      results[i].trials.push(o);
    });
  }
  return results.map((r) => ({
    ...r,
    stolen: r.trials.filter((t) => t.stolen).length,
    noticed: r.trials.filter((t) => t.holderNoticed).length,
  }));
}

const title = '4 frozen holder (5 s stop, 4 s wait)';

function rows(r) {
  return r.map((c) => {
    const n = c.trials.length;
    return {
      what: c.label,
      value: c.stolen ? `**STOLEN** ${c.stolen}/${n}` : `kept ${n}/${n}`,
      rel: c.noticed ? `resumed holder saw ECOMPROMISED ${c.noticed}/${n}` : '',
      target: target('no stolen lock', c.stolen === 0),
    };
  });
}

module.exports = { run, rows, title, FREEZE_MS, WAIT_MS };
