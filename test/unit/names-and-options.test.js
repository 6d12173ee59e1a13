'use strict';
// Pure functions, in memory: how lock content is parsed, how lock and side-file
// names are built, and how wait options are checked. Runs once; the real-process
// tests in test/backend show the same rules at work.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { loadSrc } = require('./load-src');

const { parsePid, formatPid } = loadSrc('lockfile.ts');
const { MAX_CONTENT } = loadSrc('backend/format.ts');
const { lockFileName } = loadSrc('paths.ts');
const { sideBase, tmpPath, ballotPath, classify } = loadSrc('backend/sidefiles.ts');
const { checkWait, DEFAULT_TIMEOUT_MS, DEFAULT_RETRY_MS } = loadSrc('wait.ts');

const parse = (s) => parsePid(Buffer.from(s, 'latin1'), Buffer.byteLength(s, 'latin1'));

test('parsePid reads one decimal PID with optional surrounding whitespace', () => {
  for (const [content, pid] of [
    ['1\n', 1],
    ['123\n', 123],
    [' \t42\r\n ', 42],
    ['4294967295', 4294967295],
  ]) {
    assert.equal(parse(content), pid, JSON.stringify(content));
  }
  assert.equal(parse(formatPid(31337)), 31337, 'what we write, we read');
});

test('parsePid rejects everything else', () => {
  for (const content of [
    '',
    '   ',
    '\n',
    'abc',
    '-1',
    '+1',
    '0',
    '007',
    '1.5',
    '1e3',
    '0x10',
    '12 34',
    '12abc',
    '4294967296',
    '99999999999',
    '١٢',
  ]) {
    assert.equal(parse(content), null, JSON.stringify(content));
  }
  const padded = `${' '.repeat(MAX_CONTENT)}1\n`;
  assert.equal(parse(padded), null, 'content over the size limit is invalid however it reads');
  assert.equal(parsePid(Buffer.from('12\n'), MAX_CONTENT + 1), null, 'the size decides, not the bytes read');
});

test("lockFileName: the original design's names, and names that could leave the directory are refused", () => {
  assert.equal(lockFileName('app'), '.app_lock.pid');
  assert.equal(lockFileName('app', 8080), '.app_lock_8080.pid');
  assert.equal(lockFileName('app', '08080'), '.app_lock_8080.pid');
  assert.equal(lockFileName('app', 0), '.app_lock_0.pid');
  for (const name of ['', 'a/b', 'a\\b', '..', 'x..y', 'a\0b']) {
    assert.throws(() => lockFileName(name), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }, JSON.stringify(name));
  }
  assert.throws(() => lockFileName(7), { code: 'ERR_INVALID_ARG_TYPE' });
  for (const port of [-1, 1.5, 65536, NaN])
    assert.throws(() => lockFileName('a', port), { name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' });
  for (const port of ['', '1a', '../1', '123456', '65536'])
    assert.throws(() => lockFileName('a', port), { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' });
});

test("side files start with the lock's name, stay in its directory, and are recognised", () => {
  const lock = path.join('/some/dir', '.app_lock.pid');
  const tmp = tmpPath(lock);
  const ballot = ballotPath(lock, 'abc-1', 3);
  assert.equal(path.dirname(tmp), path.dirname(lock));
  assert.equal(path.dirname(ballot), path.dirname(lock));
  assert.ok(path.basename(tmp).startsWith('.app_lock.pid.'));
  assert.notEqual(tmpPath(lock), tmp, 'each temp name is new');
  assert.deepEqual(classify(lock, path.basename(tmp)), { kind: 'tmp', pid: process.pid });
  assert.deepEqual(classify(lock, path.basename(ballot)), { kind: 'ballot', lockId: 'abc-1' });
  for (const entry of ['.app_lock.pid', '.app_lock.pid.bak', '.other_lock.pid.1.a.tmp', 'unrelated']) {
    assert.equal(classify(lock, entry), null, entry);
  }
});

test('side-file names of a very long lock name stay under NAME_MAX, and differ per lock', () => {
  const a = path.join('/d', `${'a'.repeat(250)}x`);
  const b = path.join('/d', `${'a'.repeat(250)}y`);
  assert.notEqual(sideBase(a), sideBase(b));
  for (const p of [tmpPath(a), ballotPath(a, 'ffffffff-ffff', 99)]) assert.ok(path.basename(p).length <= 255, p);
  assert.equal(classify(a, path.basename(tmpPath(a))).kind, 'tmp');
  assert.equal(classify(b, path.basename(tmpPath(a))), null);
});

test('checkWait: defaults, Infinity, and out-of-range values with Node-style errors', () => {
  assert.deepEqual(checkWait(undefined), { timeout: DEFAULT_TIMEOUT_MS, retryInterval: DEFAULT_RETRY_MS, signal: undefined });
  assert.deepEqual(checkWait({ timeout: 0 }), { timeout: 0, retryInterval: DEFAULT_RETRY_MS, signal: undefined });
  const { signal } = new AbortController();
  assert.deepEqual(checkWait({ timeout: Infinity, retryInterval: 5, signal }), { timeout: Infinity, retryInterval: 5, signal });
  // Past Node's timer limit a setTimeout fires after 1 ms: refused, not polled.
  assert.deepEqual(checkWait({ timeout: 2 ** 31 - 1, retryInterval: 2 ** 31 - 1 }), {
    timeout: 2 ** 31 - 1,
    retryInterval: 2 ** 31 - 1,
    signal: undefined,
  });
  for (const timeout of [-1, NaN, '10', null, 2 ** 31]) {
    assert.throws(
      () => checkWait({ timeout }),
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /timeout must be/ },
      String(timeout),
    );
  }
  for (const retryInterval of [0, -5, Infinity, NaN, '20', 2 ** 31]) {
    assert.throws(
      () => checkWait({ retryInterval }),
      { name: 'RangeError', code: 'ERR_OUT_OF_RANGE', message: /retryInterval must be/ },
      String(retryInterval),
    );
  }
});
