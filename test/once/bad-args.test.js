'use strict';
// Garbage in, a clear error out at once: each row is one API call with a bad
// argument, and must throw (or reject with) a TypeError or RangeError with a
// Node-style code before touching the filesystem. All rows share one child
// process (a process per row costs about a second under Wine or qemu), which
// then lives on long enough for a stray timer of any row to crash it.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, fixture, runChild } = require('../helpers');

const CALL_LIMIT_MS = 1000 * Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1);
const MAX_TIMER_MS = 2 ** 31 - 1;
const TYPE = { type: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
const RANGE = { type: 'RangeError', code: 'ERR_OUT_OF_RANGE' };

// busy: the lock is held (by another PidLock of the same process), so an
// unchecked wait would sleep, and a bad signal would then be used.
const rows = [
  {
    id: 'acquire({ signal: {} }) on a held lock',
    call: 'acquire',
    args: [{ signal: {} }],
    busy: true,
    ...TYPE,
    message: /signal must be an AbortSignal/,
  },
  {
    id: 'acquire({ signal: { aborted: false } }) on a held lock',
    call: 'acquire',
    args: [{ signal: { $: 'notASignal' } }],
    busy: true,
    ...TYPE,
  },
  { id: "acquire({ signal: 'abort' })", call: 'acquire', args: [{ signal: 'abort' }], ...TYPE },
  { id: 'acquire({ signal: null })', call: 'acquire', args: [{ signal: null }], ...TYPE },
  { id: 'acquireSync({ signal: {} })', call: 'acquireSync', args: [{ signal: {} }], ...TYPE },
  { id: "acquire('x')", call: 'acquire', args: ['x'], ...TYPE, message: /options must be an object/ },
  { id: 'acquire(5)', call: 'acquire', args: [5], ...TYPE },
  { id: 'acquire(true)', call: 'acquire', args: [true], ...TYPE },
  { id: "acquireSync('x')", call: 'acquireSync', args: ['x'], ...TYPE },
  { id: 'acquireSync(5)', call: 'acquireSync', args: [5], ...TYPE },
  {
    id: 'acquire({ retryInterval: 2^31 })',
    call: 'acquire',
    args: [{ retryInterval: MAX_TIMER_MS + 1 }],
    busy: true,
    ...RANGE,
    message: /retryInterval must be a number of ms > 0 and <= 2147483647/,
  },
  { id: 'acquireSync({ retryInterval: 2^31 })', call: 'acquireSync', args: [{ retryInterval: MAX_TIMER_MS + 1 }], ...RANGE },
  {
    id: 'acquire({ timeout: 2^31 })',
    call: 'acquire',
    args: [{ timeout: MAX_TIMER_MS + 1 }],
    ...RANGE,
    message: /timeout must be a number of ms from 0 to 2147483647, or Infinity/,
  },
  { id: 'acquireSync({ timeout: 1e12 })', call: 'acquireSync', args: [{ timeout: 1e12 }], ...RANGE },
  {
    id: 'new PidLock({ name, port: 80n })',
    call: 'PidLock',
    args: [{ name: 'h', port: { $: 'bigint', v: '80' } }],
    dirArg: true,
    ...TYPE,
    message: /invalid port 80n: use an integer from 0 to 65535/,
  },
  {
    id: 'lockFilePath({ name, port: 80n })',
    call: 'lockFilePath',
    args: [{ name: 'h', port: { $: 'bigint', v: '80' } }],
    dirArg: true,
    ...TYPE,
  },
  { id: 'new PidLock({ name, port: {} })', call: 'PidLock', args: [{ name: 'h', port: {} }], dirArg: true, ...TYPE },
];

// Valid arguments at the edges, so that the limits above are not off by one.
const valid = [
  {
    id: 'acquire({ retryInterval: 2^31 - 1, timeout: 0 })',
    call: 'acquire',
    args: [{ retryInterval: MAX_TIMER_MS, timeout: 0 }],
    value: true,
  },
  { id: 'acquireSync({ timeout: 2^31 - 1 })', call: 'acquireSync', args: [{ timeout: MAX_TIMER_MS }], value: true },
  { id: 'acquire({ timeout: Infinity })', call: 'acquire', args: [{ timeout: { $: 'Infinity' } }], value: true },
  { id: 'acquire(null)', call: 'acquire', args: [null], value: true },
  { id: 'acquireSync({})', call: 'acquireSync', args: [{}], value: true },
  { id: 'acquire({ signal: AbortSignal })', call: 'acquire', args: [{ signal: { $: 'AbortSignal', abortAfterMs: 10000 } }], value: true },
  // A blocked thread cannot see an abort, but one from before the call counts.
  {
    id: 'acquireSync({ signal: an aborted AbortSignal })',
    call: 'acquireSync',
    args: [{ signal: { $: 'AbortSignal', abortAfterMs: 0 } }],
    error: 'AbortError',
  },
  // The +-25 % jitter lifts the longest retryInterval past the timer limit; the
  // sleep must still be one long sleep (aborted here), not 1 ms polls with warnings.
  {
    id: 'acquire({ retryInterval: 2^31 - 1, timeout: Infinity }) on a held lock, aborted',
    call: 'acquire',
    args: [{ retryInterval: MAX_TIMER_MS, timeout: { $: 'Infinity' }, signal: { $: 'AbortSignal', abortAfterMs: 200 } }],
    busy: true,
    maxJitter: true,
    error: 'AbortError',
  },
];

let results = null;
function run() {
  if (results !== null) return results;
  const all = [...rows, ...valid].map((r) => {
    const dir = tmpDir('pidlock-badargs-');
    const args = r.dirArg ? [{ ...r.args[0], dir }] : r.args;
    return { ...r, dir, path: path.join(dir, 'x.pid'), args };
  });
  const r = runChild(fixture('bad-args-case.js'), [], {
    env: { BAD_ARGS: JSON.stringify(all.map(({ call, path: p, args, busy, maxJitter }) => ({ call, path: p, args, busy, maxJitter }))) },
    timeout: 15000,
  });
  assert.equal(r.signal, null, `the case process hung or was killed: ${r.stderr}`);
  assert.equal(r.status, 0, `the case process crashed (a stray timer?): ${r.stderr}`);
  const outs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(outs.length, all.length, r.stdout);
  results = all.map((row, i) => ({ row, out: outs[i] }));
  return results;
}

rows.forEach((b, i) => {
  test(`${b.id}: ${b.type} ${b.code} at once`, () => {
    const { row, out } = run()[i];
    assert.ok(out.error, `expected a ${b.type}, got ${JSON.stringify(out)}`);
    assert.deepEqual({ name: out.error.name, code: out.error.code }, { name: b.type, code: b.code }, out.error.message);
    if (b.message) assert.match(out.error.message, b.message);
    assert.ok(out.ms < CALL_LIMIT_MS, `took ${out.ms} ms`);
    assert.deepEqual(out.warnings, [], 'a bad argument must fail, not warn');
    // Nothing was created, and a busy row's holder released its file.
    assert.deepEqual(fs.readdirSync(row.dir), [], 'a rejected call left something behind');
  });
});

valid.forEach((v, i) => {
  test(`${v.id}: ${v.error ? `${v.error}, as documented` : 'accepted'}`, () => {
    const { row, out } = run()[rows.length + i];
    if (v.error) assert.equal(out.error?.name, v.error, JSON.stringify(out));
    else {
      assert.deepEqual(out.error, undefined, JSON.stringify(out));
      assert.equal(out.value, v.value);
    }
    assert.deepEqual(out.warnings, [], 'no TimeoutOverflowWarning or other warning');
    assert.deepEqual(fs.readdirSync(row.dir), [], 'not released');
  });
});
