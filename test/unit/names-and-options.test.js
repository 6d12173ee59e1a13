'use strict';
// Pure functions, in memory: how lock content is parsed, how lock and side-file
// names are built, and how wait options are checked. Runs once; the real-process
// tests in test/backend show the same rules at work.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');

const {
  parsePid,
  formatContent,
  MAX_CONTENT,
  lockFileName,
  sideBase,
  tmpPath,
  tmpPathOf,
  ballotPath,
  classify,
  fileId,
  ownDomain,
  tagInName,
  parseMarker,
  isUncPath,
  sharedKind,
  sharedFs,
  askBackend,
  checkWait,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_RETRY_MS,
} = require('../../dist/internal.js');

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
  assert.equal(parse(formatContent(31337, null)), 31337, 'what we write, we read');
});

const TAG = '3f2a9c1e4b5d.a1b2c3d4';
const marker = (over) => ({ tag: TAG, kernel: false, leaseSec: null, host: 'build-7', ...over });
const parseM = (s) => parseMarker(Buffer.from(s, 'latin1'), Buffer.byteLength(s, 'latin1'));

test('the marker: a second line after the bare PID, within 64 bytes, read back as written', () => {
  assert.equal(formatContent(4711, null), '4711\n', 'no marker: exactly PID\\n');
  assert.equal(formatContent(4711, marker()), `4711\n@${TAG} build-7\n`);
  assert.equal(formatContent(4711, marker({ kernel: true, leaseSec: 30 })), `4711\n@${TAG} K L30 build-7\n`);
  for (const m of [marker(), marker({ kernel: true }), marker({ leaseSec: 999999999 }), marker({ host: 'K' }), marker({ host: 'L5' })]) {
    const text = formatContent(4294967295, m);
    assert.ok(Buffer.byteLength(text) <= MAX_CONTENT, text);
    assert.deepEqual(parseM(text), m, text);
    assert.equal(parse(text), 4294967295, 'parsePid takes the first line of a marked lock');
    assert.equal(text.split('\n')[0], '4294967295', 'the first line is the bare PID');
  }
  // A long or odd host name is cut and made printable, never past the limit.
  const long = formatContent(4294967295, marker({ kernel: true, leaseSec: 999999999, host: `h\u00e9 ${'x'.repeat(80)}` }));
  assert.equal(Buffer.byteLength(long), MAX_CONTENT);
  assert.match(parseM(long).host, /^h\?\?x+$/);
});

test('parseMarker: anything but exactly PID, newline, marker, newline is no marker', () => {
  for (const text of [
    '4711\n',
    `4711\n@${TAG} host`,
    `4711\n@${TAG}\n`,
    `4711\n@${TAG.toUpperCase()} host\n`,
    `4711\n@${TAG} host\nmore\n`,
    `4711\n@${TAG} L0 host\n`,
    `4711\n@${TAG} host name\n`,
    `4711\n#${TAG} host\n`,
    `4711\n/var/lib/postgres\n`,
  ]) {
    assert.equal(parseM(text), null, JSON.stringify(text));
  }
  assert.equal(parseMarker(Buffer.from(`4711\n@${TAG} h\n`), MAX_CONTENT + 1), null, 'larger than a lock: not ours');
  assert.equal(parse(`4711\n/var/lib/postgres\n`), null, 'parsePid still refuses a foreign second line');
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

test('isUncPath: network shares are UNC paths; drive letters and device paths are not', () => {
  for (const p of ['\\\\server\\share', '\\\\server\\share\\dir\\.x_lock.pid', '//nas/locks/x', '\\\\?\\UNC\\server\\share\\x']) {
    assert.equal(isUncPath(p), true, p);
  }
  for (const p of ['C:\\locks\\x', '\\\\?\\C:\\locks\\x', '\\\\.\\pipe\\x', '/tmp/x', '\\\\server', 'relative\\x']) {
    assert.equal(isUncPath(p), false, p);
  }
});

test("sharedKind: macOS mounts without MNT_LOCAL and every FUSE mount are shared; Windows' remote drives are", () => {
  for (const type of ['nfs', 'smbfs', 'afpfs', 'webdav']) assert.equal(sharedKind({ local: false, type }, 'darwin'), type);
  assert.equal(sharedKind({ local: false, type: '' }, 'darwin'), 'network');
  // macFUSE and osxfuse mounted with -o local still may be sshfs.
  for (const type of ['macfuse', 'osxfuse']) assert.equal(sharedKind({ local: true, type }, 'darwin'), type);
  for (const type of ['apfs', 'hfs', 'msdos', 'exfat']) assert.equal(sharedKind({ local: true, type }, 'darwin'), null);
  assert.equal(sharedKind({ local: false, type: '' }, 'win32'), 'network drive');
  assert.equal(sharedKind({ local: true, type: '' }, 'win32'), null);
});

test('sharedFs asks the backend on macOS and Windows, after the UNC rule; an unanswered directory is asked again', (t) => {
  const platform = Object.getOwnPropertyDescriptor(process, 'platform');
  t.after(() => Object.defineProperty(process, 'platform', platform));
  const asked = [];
  const answers = { '/Volumes/nas': { local: false, type: 'smbfs' }, '/Users/me': { local: true, type: 'apfs' } };
  askBackend({ dirKind: (dir) => (asked.push(dir), answers[dir] ?? null) });
  Object.defineProperty(process, 'platform', { value: 'darwin' });
  assert.equal(sharedFs('/Volumes/nas'), 'smbfs');
  assert.equal(sharedFs('/Users/me'), null);
  assert.equal(sharedFs('/not/yet'), null);
  answers['/not/yet'] = { local: false, type: 'nfs' };
  assert.equal(sharedFs('/not/yet'), 'nfs');
  assert.equal(sharedFs('/Volumes/nas'), 'smbfs');
  assert.deepEqual(asked, ['/Volumes/nas', '/Users/me', '/not/yet', '/not/yet'], 'answers are cached, "cannot tell" is not');
  Object.defineProperty(process, 'platform', { value: 'win32' });
  answers['Z:\\locks'] = { local: false, type: '' };
  assert.equal(sharedFs('Z:\\locks'), 'network drive');
  assert.equal(sharedFs('\\\\server\\share\\locks'), 'smb');
  assert.deepEqual(asked.slice(4), ['Z:\\locks'], 'a UNC path needs no question');
  askBackend({});
  assert.equal(sharedFs('C:\\locks'), null, 'the JS backend cannot tell a mapped drive');
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
  // Linux with a /proc of ours has a domain, and temp names carry it; elsewhere they have none.
  const own = ownDomain();
  const domain = own === null ? null : tagInName(own.tag);
  if (process.platform === 'linux') assert.match(domain, /^[0-9a-f]{20}$/);
  assert.deepEqual(classify(lock, path.basename(tmp)), { kind: 'tmp', pid: process.pid, domain });
  // An older version's temp (no domain) and another host's.
  assert.deepEqual(classify(lock, '.app_lock.pid.4711.k3x9a.tmp'), { kind: 'tmp', pid: 4711, domain: null });
  assert.deepEqual(classify(lock, '.app_lock.pid.0123456789abcdef0123-4711.k3x9a.tmp'), {
    kind: 'tmp',
    pid: 4711,
    domain: '0123456789abcdef0123',
  });
  assert.deepEqual(classify(lock, path.basename(tmpPathOf(lock, TAG, 4711, 'k3x9a'))), { kind: 'tmp', pid: 4711, domain: tagInName(TAG) });
  assert.deepEqual(classify(lock, path.basename(tmpPathOf(lock, null, 4711, 'k3x9a'))), { kind: 'tmp', pid: 4711, domain: null });
  assert.deepEqual(classify(lock, path.basename(ballot)), { kind: 'ballot', lockId: 'abc-1' });
  const id = fileId({ ino: 2n ** 64n - 1n, mtimeNs: 1700000000123456789n, ctimeNs: 35n });
  assert.match(id, /^[0-9a-z]+-[0-9a-z]+-z$/, 'three numbers in base 36');
  assert.deepEqual(classify(lock, path.basename(ballotPath(lock, id, 256))), { kind: 'ballot', lockId: id });
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
