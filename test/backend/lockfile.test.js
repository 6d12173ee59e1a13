'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { pkg, tmpDir, fixture, runChild } = require('../helpers');

const INVALID = {
  empty: '',
  spaces: '   \n',
  letters: 'abc\n',
  negative: '-1\n',
  zero: '0\n',
  fraction: '1.5\n',
  huge: '99999999999999999999\n',
  'too big for a DWORD': '4294967296\n',
  'leading zero': '0123\n',
  binary: Buffer.from([0x00, 0xff, 0x31, 0x0a, 0x80]),
  'pid then text': '1234 extra\n',
  'two pids': '12\n34\n',
};

test('readLockFilePid accepts the PID with surrounding whitespace', () => {
  const dir = tmpDir();
  for (const [content, pid] of [
    ['1234\n', 1234],
    ['  77 \r\n', 77],
    ['4294967295', 4294967295],
  ]) {
    const f = path.join(dir, 'ok.pid');
    fs.writeFileSync(f, content);
    assert.deepEqual(pkg.readLockFilePid(f), { pid, success: true }, JSON.stringify(content));
  }
});

test('readLockFilePid rejects every invalid content', () => {
  const dir = tmpDir();
  for (const [label, content] of Object.entries(INVALID)) {
    const f = path.join(dir, 'bad.pid');
    fs.writeFileSync(f, content);
    assert.deepEqual(pkg.readLockFilePid(f), { pid: null, success: false }, label);
  }
});

test('readLockFilePid reads a 10 MB file without loading it', () => {
  const f = path.join(tmpDir(), 'big.pid');
  fs.writeFileSync(f, `123\n${' '.repeat(10 * 1024 * 1024)}`);
  const before = process.memoryUsage().arrayBuffers;
  assert.deepEqual(pkg.readLockFilePid(f), { pid: null, success: false });
  assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024, 'read must stay bounded');
});

test('readLockFilePid on a missing file, a directory and a FIFO fails cleanly', () => {
  const dir = tmpDir();
  assert.deepEqual(pkg.readLockFilePid(path.join(dir, 'missing')), { pid: null, success: false });
  assert.deepEqual(pkg.readLockFilePid(dir), { pid: null, success: false });
  if (process.platform !== 'win32') {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(pkg.readLockFilePid(fifo), { pid: null, success: false });
  }
});

test('lockFilePath builds the original design name in the temp dir', () => {
  assert.equal(
    pkg.lockFilePath({ name: 'phologtolabstreaminglayer', port: 8080 }),
    path.join(os.tmpdir(), '.phologtolabstreaminglayer_lock_8080.pid'),
  );
  assert.equal(pkg.lockFilePath({ name: 'app', port: '5000' }), path.join(os.tmpdir(), '.app_lock_5000.pid'));
  assert.equal(pkg.lockFilePath({ name: 'app' }), path.join(os.tmpdir(), '.app_lock.pid'));
  const dir = tmpDir();
  assert.equal(pkg.lockFilePath({ name: 'app', port: 1, dir }), path.join(dir, '.app_lock_1.pid'));
});

test('lockFilePath rejects names and ports that could leave the directory', () => {
  for (const name of ['', 'a/b', 'a\\b', '..', 'x..y', 'a\0b', 42, undefined]) {
    assert.throws(
      () => pkg.lockFilePath({ name, port: 1 }),
      (e) => e instanceof TypeError && /name/.test(e.message) && !!e.code,
      JSON.stringify(name),
    );
  }
  for (const port of [-1, 1.5, 70000, '12a', '../1', '', NaN]) {
    assert.throws(
      () => pkg.lockFilePath({ name: 'ok', port }),
      (e) => /port/.test(e.message) && !!e.code,
      String(port),
    );
  }
});

test('lockFilePath falls back to ~/.cache (the home directory on Windows) when the temp dir is unusable', () => {
  const home = tmpDir();
  const win = process.platform === 'win32';
  const fallback = win ? home : path.join(home, '.cache');
  for (const tmp of [path.join(home, 'missing'), __filename]) {
    // os.tmpdir() and os.homedir() read TEMP/TMP and USERPROFILE on Windows.
    const env = win ? { TEMP: tmp, TMP: tmp, USERPROFILE: home } : { TMPDIR: tmp, HOME: home };
    const r = runChild(fixture('lock-path.js'), ['fb', '9'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, path.join(fallback, '.fb_lock_9.pid'), `temp dir ${tmp}`);
    assert.ok(fs.statSync(fallback).isDirectory());
  }
});
