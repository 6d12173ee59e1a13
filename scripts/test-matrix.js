#!/usr/bin/env node
'use strict';
// Writes the figures that go stale (test counts per platform and backend, the
// last stress run) into docs/test-matrix.md, each section with its date and
// machine, so the README only links to them. Only the sections given are
// replaced; the others keep their earlier run.
//
//   node scripts/test-matrix.js --suite=.tmp-test.log         `npm test`'s output
//   node scripts/test-matrix.js --cross=.tmp/cross-ci/summary  scripts/cross/ci.sh's summary
//   node scripts/test-matrix.js --stress=FILE                  `npm run stress -- --ci --json=FILE`
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const DOC = path.join(__dirname, '..', 'docs', 'test-matrix.md');
const arg = (n) =>
  process.argv
    .slice(2)
    .find((a) => a.startsWith(`--${n}=`))
    ?.slice(n.length + 3);
const today = new Date().toISOString().slice(0, 10);
const machine = `${os.cpus().length} x ${os.cpus()[0]?.model}, ${os.type()} ${os.release()}, Node ${process.version}`;
const n = (x) => x.toLocaleString('en-US');

function suiteSection(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const rows = lines.map((l) => /^(native|js|total): (\d+) passed, (\d+) failed, (\d+) skipped$/.exec(l)).filter(Boolean);
  if (!rows.length) throw new Error(`${file}: no "<backend>: N passed, N failed, N skipped" lines`);
  const once = lines.find((l) => l.startsWith('test/unit and test/once ran once'));
  return [
    `\`npm test\` on linux-x64, ${today} (${machine}):`,
    '',
    '| backend | passed | failed | skipped |',
    '|---|---|---|---|',
    ...rows.map(([, b, p, f, s]) => `| ${b} | ${p} | ${f} | ${s} |`),
    '',
    once ? `The native row includes the files that run once (${once.replace(/^.*?: /, '')}).` : '',
  ].join('\n');
}

function crossSection(file) {
  const rows = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => /^(.+?) (native|js): (\d+) passed, (\d+) failed, (\d+) skipped(.*?)(?: \((\d+)s\))?$/.exec(l))
    .filter(Boolean);
  if (!rows.length) throw new Error(`${file}: no "<platform> <backend>: N passed, ..." lines`);
  return [
    `\`bash scripts/cross/ci.sh\`, ${today} (${machine}); each run is one backend, so every file runs in it:`,
    '',
    '| platform and Node | backend | passed | failed | skipped | time |',
    '|---|---|---|---|---|---|',
    ...rows.map(([, p, b, pass, f, s, extra, t]) => `| ${p} | ${b} | ${pass} | ${f}${extra} | ${s} | ${t ? `${t} s` : ''} |`),
  ].join('\n');
}

function stressSection(file) {
  const d = JSON.parse(fs.readFileSync(file, 'utf8'));
  const m = d.machine;
  const ms = (x) => (x == null ? '' : `${x.toFixed(0)} ms`);
  return [
    `\`npm run stress -- --${d.mode}\`, ${d.date.slice(0, 10)} (${m.cpus} x ${m.cpu}, ${m.os}, Node ${m.node}): ${d.ok ? 'PASS' : 'FAIL'}`,
    '',
    '| configuration | acquisitions | kills (mid-break) | takeovers | stops (> 1 s) | races | overlaps | worst recovery from SIGKILL (from the exit) | leftover files |',
    '|---|---|---|---|---|---|---|---|---|',
    ...d.results.map(
      (r) =>
        `| ${r.name} | ${n(r.acquisitions)} | ${r.kills} (${r.killsMidBreak}) | ${r.takeovers} | ${r.stops} (${r.longStops}) | ${r.races} | **${r.overlaps}** | ${ms(r.maxRecoveryMs)} (${ms(r.maxRecoveryAfterExitMs)}) | ${r.leftovers.length ? r.leftovers.map((f) => `\`${f.replace(/^.*\.(break|tmp)\b.*$/, '*.$1*')}\``).join(', ') : 'none'} |`,
    ),
    `| **total** | **${n(d.total.acquisitions)}** | **${d.total.kills}** | | | | **${d.total.overlaps}** | | |`,
  ].join('\n');
}

const HEAD = `# Test matrix

Figures from the last runs, each with its date. Written by \`scripts/test-matrix.js\`
(see its header for the commands); the README links here instead of carrying
numbers that go stale. What each suite does: README "Development" and
[reliability.md](reliability.md).
`;

const SECTIONS = [
  ['suite', "## The README's test command", suiteSection, arg('suite')],
  ['cross', '## Prebuilds under emulation and on other Node versions', crossSection, arg('cross')],
  ['stress', '## Stress (never two holders)', stressSection, arg('stress')],
];

const old = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
const kept = (key) => new RegExp(`<!-- ${key}:begin -->\\n([\\s\\S]*?)\\n<!-- ${key}:end -->`).exec(old)?.[1];
let text = HEAD;
for (const [key, title, make, file] of SECTIONS) {
  const body = file ? make(file) : (kept(key) ?? '(no run recorded yet)');
  text += `\n${title}\n\n<!-- ${key}:begin -->\n${body}\n<!-- ${key}:end -->\n`;
}
fs.writeFileSync(DOC, text);
console.log(`wrote ${path.relative(process.cwd(), DOC)}`);
