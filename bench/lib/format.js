'use strict';
// How table cells are written, shared by every section's rows().
const us = (ns) => (Number.isFinite(ns) ? `${(ns / 1000).toFixed(ns < 10000 ? 2 : 1)} µs` : 'n/a');
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 100 ? (v < 10 ? 2 : 1) : 0)} ms` : 'n/a');
/** A difference in ms with its sign: "+0.31 ms", "-0.06 ms" (never "+-"). */
const plusMs = (v) => (v < 0 ? ms(v) : `+${ms(v)}`);
const x = (v) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 2 : 1)}x` : 'n/a');
/** The result row with this id (an empty object when it did not run). */
const by = (rows, id) => rows.find((r) => r.id === id) ?? {};
/** A target cell: what is asked, and whether this run met it. */
const target = (text, ok) => `${text}: ${ok ? 'met' : '**missed**'}`;

module.exports = { us, ms, plusMs, x, by, target };
