'use strict';
// Writes an SVG bar chart of the uncontended cycle (1) and crash recovery (3)
// from a results JSON (bench/.out/results.json by default). No dependencies.
// Usage: node bench/chart.js [results.json] [out.svg]
const fs = require('node:fs');
const path = require('node:path');

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const WIDTH = 980;
const LABEL_W = 500;
const BAR_W = 330;
const ROW_H = 24;

const COLORS = { floor: '#7f7f7f', pidlock: '#2b7bba', other: '#d9822b' };
const colorOf = (bar) => (bar.kind === 'floor' ? COLORS.floor : bar.kind === 'pidlock' ? COLORS.pidlock : COLORS.other);

/** Horizontal bars on a log scale: the values span three to four orders of magnitude. */
function panel(title, bars, y0, fmt) {
  const max = Math.max(...bars.map((b) => b.value).filter(Number.isFinite));
  const min = Math.min(...bars.map((b) => b.value).filter((v) => Number.isFinite(v) && v > 0));
  const lo = Math.log10(min) - 0.3;
  const hi = Math.log10(max) + 0.05;
  const scale = (v) => (Number.isFinite(v) && v > 0 ? Math.max(2, ((Math.log10(v) - lo) / (hi - lo)) * BAR_W) : 0);
  const out = [`<text x="10" y="${y0 + 16}" font-weight="bold" font-size="15">${esc(title)}</text>`];
  bars.forEach((b, i) => {
    const y = y0 + 28 + i * ROW_H;
    out.push(`<text x="${LABEL_W - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(b.label)}</text>`);
    out.push(`<rect x="${LABEL_W}" y="${y + 3}" width="${scale(b.value).toFixed(1)}" height="${ROW_H - 7}" fill="${colorOf(b)}"/>`);
    out.push(`<text x="${LABEL_W + scale(b.value) + 6}" y="${y + 15}" font-size="12">${esc(fmt(b.value))}</text>`);
  });
  return { svg: out.join('\n'), height: 36 + bars.length * ROW_H };
}

function kindOf(row) {
  if (row.id.startsWith('floor') || row.lib === 'floor') return 'floor';
  return row.lib === undefined || row.lib.startsWith('pidlock') ? 'pidlock' : 'other';
}

function chart(results) {
  const parts = [];
  let y = 10;
  const head = `Run ${results.meta.date}, Node ${results.meta.node}, ${results.meta.cpu}${results.meta.quick ? ' (quick mode)' : ''}. Log scales; shorter is better.`;
  parts.push(`<text x="10" y="${y + 12}" font-size="12" fill="#555">${esc(head)}</text>`);
  y += 24;
  if (results.cycle) {
    const bars = results.cycle.map((r) => ({ label: r.label, value: r.median / 1000, kind: kindOf(r) }));
    const p = panel('(1) Uncontended acquire + release, µs per cycle (median)', bars, y, (v) => `${v.toFixed(v < 10 ? 2 : 1)} µs`);
    parts.push(p.svg);
    y += p.height + 14;
  }
  if (results.crash) {
    const bars = results.crash.map((r) => ({
      label: r.label.replace(/ \(default retryInterval 20 ms\)/, ''),
      value: r.median,
      kind: kindOf(r),
    }));
    const p = panel(
      '(3) Crash recovery: SIGKILL of the holder → waiter holds the lock, ms (median)',
      bars,
      y,
      (v) => `${v.toFixed(v < 100 ? 1 : 0)} ms`,
    );
    parts.push(p.svg);
    y += p.height + 10;
  }
  const legend = [
    ['C floor', COLORS.floor],
    ['pidlock-native', COLORS.pidlock],
    ['proper-lockfile / lockfile', COLORS.other],
  ];
  legend.forEach(([name, color], i) => {
    parts.push(
      `<rect x="${10 + i * 200}" y="${y}" width="12" height="12" fill="${color}"/><text x="${28 + i * 200}" y="${y + 11}" font-size="12">${esc(name)}</text>`,
    );
  });
  y += 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

if (require.main === module) {
  const input = process.argv[2] || path.join(__dirname, '.out', 'results.json');
  const output = process.argv[3] || path.join(__dirname, '..', 'docs', 'benchmarks.svg');
  fs.writeFileSync(output, chart(JSON.parse(fs.readFileSync(input, 'utf8'))));
  console.log(`wrote ${output}`);
}

module.exports = { chart };
