'use strict';
// Renders all results as one markdown table; ratios are of medians from this same run.
const { ratio } = require('./stats');

const us = (ns) => (Number.isFinite(ns) ? `${(ns / 1000).toFixed(ns < 10000 ? 2 : 1)} µs` : 'n/a');
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 100 ? 1 : 0)} ms` : 'n/a');
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)}x` : 'n/a');
const by = (rows, id) => rows.find((r) => r.id === id) ?? {};
const verdict = (ok) => (ok ? 'met' : '**missed**');

function render(r) {
  const rows = [];
  const add = (section, what, value, rel, target) => rows.push(`| ${section} | ${what} | ${value} | ${rel} | ${target} |`);

  if (r.cycle) {
    const floor = by(r.cycle, 'floor').median;
    const proper = by(r.cycle, 'proper-lockfile').median;
    for (const c of r.cycle) {
      let rel = c.id === 'floor' ? 'floor' : `${x(ratio(c.median, floor))} floor`;
      if (c.id !== 'proper-lockfile' && c.id !== 'floor') rel += `; proper-lockfile is ${x(ratio(proper, c.median))} this`;
      let target = '';
      if (c.id === 'native-try') {
        target = `≤ 2x floor: ${verdict(ratio(c.median, floor) <= 2)}`;
        const base = by(r.cycle, 'baseline-try').median;
        if (Number.isFinite(base)) target += `; baseline is ${x(ratio(base, floor))} floor`;
      } else if (c.id === 'native') {
        target = `≤ 2x floor: ${verdict(ratio(c.median, floor) <= 2)}; ≥ 5x faster than proper-lockfile: ${verdict(ratio(proper, c.median) >= 5)}`;
      } else if (c.id === 'js') {
        target = `≤ 2.5x floor: ${verdict(ratio(c.median, floor) <= 2.5)}`;
      }
      add('1 cycle', c.label, us(c.median), rel, target);
    }
  }
  if (r.poll) {
    const floor = by(r.poll, 'floor').median;
    const limit = { native: 3, js: 8 };
    for (const c of r.poll) {
      const target = limit[c.id] ? `≤ ${limit[c.id]}x the C look: ${verdict(ratio(c.median, floor) <= limit[c.id])}` : '';
      add(
        '1b refused poll (live holder)',
        c.label,
        us(c.median),
        c.id === 'floor' ? 'floor' : `${x(ratio(c.median, floor))} floor`,
        target,
      );
    }
  }
  if (r.liveness) {
    const floor = by(r.liveness, 'floor').median;
    const stat = r.liveness.find((c) => c.id === 'floor-stat')?.median;
    for (const c of r.liveness) {
      // A liveness answer that knows zombies and thread ids needs the /proc read:
      // the bar is the C program doing exactly that, not a bare kill().
      const target = c.id === 'native' && stat !== undefined ? `≤ 1.5x the C stat read: ${verdict(ratio(c.median, stat) <= 1.5)}` : '';
      let rel = c.id === 'floor' ? 'floor' : `${x(ratio(c.median, floor))} floor`;
      if (stat !== undefined && c.backend) rel += `, ${x(ratio(c.median, stat))} the C stat read`;
      add('2 liveness', c.label, us(c.median), rel, target);
    }
  }
  if (r.crash) {
    const proper = by(r.crash, 'proper-default').median;
    const floor = by(r.crash, 'floor').median;
    for (const c of r.crash) {
      const n = c.samples.length;
      let rel =
        c.lib === 'pidlock' ? `${x(ratio(c.median, floor))} floor; proper-lockfile (default) is ${x(ratio(proper, c.median))} this` : '';
      if (c.id === 'floor') rel = 'floor';
      // Only the native backend can watch a holder's exit; the JS one waits for its timer.
      const woken = c.lib === 'pidlock' && c.backend === 'native';
      const target = woken
        ? `≤ 2x floor + 3 ms: ${verdict(c.median <= 2 * floor + 3)}`
        : c.lib === 'pidlock'
          ? `≤ 50 ms (timer): ${verdict(c.median <= 50)}`
          : c.lib === 'proper-lockfile'
            ? `≥ 2000 ms expected: ${c.median >= 2000 ? 'yes' : 'no'}`
            : '';
      add('3 crash recovery', `${c.label} (n=${n})`, ms(c.median), rel, target);
    }
  }
  if (r.wake) {
    const floor = by(r.wake.handoff, 'floor').median;
    for (const c of r.wake.handoff) {
      const rel = c.id === 'floor' ? 'floor' : `+${ms(c.median - floor)} over floor`;
      const target =
        c.id === 'floor' ? '' : c.id === 'js-sync' ? 'timer only: half the retryInterval expected' : `≤ 3 ms: ${verdict(c.median <= 3)}`;
      add('3b release hand-off', `${c.label} (n=${c.samples.length})`, ms(c.median), rel, target);
    }
    const idle = r.wake.cpu.find((c) => c.id === 'idle');
    for (const c of r.wake.cpu) {
      const woken = c.backend === 'native' && c !== idle;
      // What the wait itself costs: the waiter's CPU over the idle floor's.
      const own = idle ? c.cpuMs - idle.cpuMs : c.cpuMs;
      const target =
        c === idle
          ? ''
          : woken
            ? `no CPU between events (≤ 1 ms per 10 s over the floor): ${verdict(own <= c.windowMs / 10000)}`
            : 'polls on its timer';
      add(
        '3c waiter CPU',
        `${c.label}, over ${c.windowMs / 1000} s of waiting`,
        ms(c.cpuMs),
        c === idle
          ? 'floor'
          : `${idle ? `${own >= 0 ? '+' : ''}${ms(own)} over the floor; ` : ''}${((100 * c.cpuMs) / c.windowMs).toFixed(3)} % of one core`,
        target,
      );
    }
  }
  if (r.frozen) {
    for (const c of r.frozen) {
      const n = c.trials.length;
      const value = c.stolen ? `**STOLEN** ${c.stolen}/${n}` : `kept ${n}/${n}`;
      const note = c.noticed ? `resumed holder saw ECOMPROMISED ${c.noticed}/${n}` : '';
      add('4 frozen holder (5 s stop, 4 s wait)', c.label, value, note, `no stolen lock: ${verdict(c.stolen === 0)}`);
    }
  }
  if (r.contention) {
    for (const c of r.contention) {
      const spread = c.min > 0 ? x(c.max / c.min) : `∞ (least busy: 0)`;
      const target = `exclusion violations: ${c.violations}${c.violations ? ' **FAILURE**' : ''}${c.timeouts ? `; waits timed out: ${c.timeouts}` : ''}`;
      add(
        '5 contention (8 procs)',
        c.label,
        `${Math.round(c.perSec)} acq/s`,
        `busiest/least busy: ${Math.round(c.max)}/${Math.round(c.min)} = ${spread}`,
        target,
      );
    }
  }
  if (r.load) {
    const empty = by(r.load, 'empty').wallMs;
    const floor = r.load.find((c) => c.id === 'floor')?.requireMs;
    for (const c of r.load) {
      const extra = c.wallMs - empty;
      const vsFloor = floor && c.id !== 'floor' ? `, ${(c.requireMs / floor).toFixed(2)}x the floor's` : '';
      const rel = c.id === 'empty' ? 'baseline' : `+${ms(extra)} wall; require() itself ${ms(c.requireMs)}${vsFloor}`;
      const target =
        c.id === 'native'
          ? `require() ≤ 2x the floor's: ${verdict(c.requireMs <= 2 * floor)}`
          : c.id === 'js'
            ? `≤ +10 ms: ${verdict(extra <= 10)}`
            : '';
      add('6 cold load', c.label, ms(c.wallMs), rel, target);
    }
  }
  if (r.hugedir) {
    for (const c of r.hugedir) {
      const extra = c.huge - c.empty;
      add(
        '7 takeover, huge directory',
        `pidlock-native, ${c.id}: stale lock in ${c.entries.toLocaleString('en')} entries vs an empty directory`,
        ms(c.huge),
        `empty: ${ms(c.empty)}; +${ms(extra)}`,
        `≤ +5 ms: ${verdict(extra <= 5)}`,
      );
    }
  }
  return ['| # | Measurement | Median | Same-run comparison | Target |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

module.exports = { render };
