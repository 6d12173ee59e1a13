'use strict';

function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** A ratio of two medians from the same run; NaN-safe so a failed row prints as "n/a". */
function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN;
}

/**
 * Measures every competitor once per round, rotating the order each round so
 * that none always runs first or last; returns each one's samples and median.
 */
async function rotatedRounds(competitors, rounds, measure, log, label, digits) {
  const samples = Object.fromEntries(competitors.map((c) => [c.id, []]));
  for (let round = 0; round < rounds; round++) {
    const order = competitors.map((_, i) => competitors[(i + round) % competitors.length]);
    for (const c of order) {
      const ns = await measure(c);
      samples[c.id].push(ns);
      log(`${label} round ${round + 1}/${rounds} ${c.id}: ${(ns / 1000).toFixed(digits)} us`);
    }
  }
  return competitors.map((c) => ({ ...c, samples: samples[c.id], median: median(samples[c.id]) }));
}

module.exports = { median, ratio, rotatedRounds };
