'use strict';
// (7) Taking over a stale lock in a directory of `entries` files vs an empty
// one, same process, alternating. Before, a full directory read after each
// break cost 230-390 ms at 300,000 entries.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { median } = require('../lib/stats');
const { envFor, runWorker } = require('../lib/proc');
const { freshDir } = require('../lib/tmp');
const { ms, plusMs, target } = require('../lib/format');

function fill(dir, n) {
  for (let i = 0; i < n; i++) fs.closeSync(fs.openSync(path.join(dir, `entry-${i.toString(36)}`), 'w'));
}

async function run(cfg, log) {
  const empty = freshDir('takeover-empty');
  const huge = freshDir('takeover-huge');
  const t0 = Date.now();
  fill(huge, cfg.entries);
  log(`hugedir: ${cfg.entries} entries created in ${Date.now() - t0} ms`);
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
  const results = [];
  for (const backend of ['native', 'js']) {
    const out = await runWorker('takeover.js', [deadPid, cfg.repeats, empty, huge], { env: envFor(backend) });
    const row = { id: backend, entries: cfg.entries, empty: median(out.ms[empty]), huge: median(out.ms[huge]), samples: out.ms };
    log(`hugedir ${backend}: empty ${row.empty.toFixed(3)} ms, ${cfg.entries} entries ${row.huge.toFixed(3)} ms`);
    results.push(row);
  }
  return results;
}

const title = '7 takeover, huge directory';

function rows(r) {
  return r.map((c) => ({
    what: `pidlock-native, ${c.id}: stale lock in ${c.entries.toLocaleString('en')} entries vs an empty directory`,
    value: ms(c.huge),
    rel: `empty: ${ms(c.empty)}; ${plusMs(c.huge - c.empty)}`,
    target: target('≤ +5 ms', c.huge - c.empty <= 5),
  }));
}

module.exports = { run, rows, title };
