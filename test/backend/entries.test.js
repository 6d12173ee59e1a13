'use strict';
// Two backend verbs for the names beside a lock, called on the real OS:
// unlink() (a side file, or a stale lock its breaker was elected to remove)
// and list() (the directory litter collection reads only while it is small).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir, sideFileHolder } = require('../helpers');

const { selected } = require(path.join(root, 'dist', 'internal.js'));
const backend = selected.backend;
assert.equal(backend.name, pkg.backend, `the internal entry loaded the package's backend (${selected.loadError})`);

test('unlink() deletes a name and says true; a name already gone is false, not an error', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'side.pid.break.x.1');
  fs.writeFileSync(file, '1\n');
  assert.equal(backend.unlink(file), true);
  assert.equal(fs.existsSync(file), false);
  assert.equal(backend.unlink(file), false, 'the second deletion of the same name');
  fs.rmSync(dir, { recursive: true, force: true });
});

test(
  'unlink() deletes the name of a file another process has open: nothing of a holder stops it',
  { skip: process.platform === 'win32' && 'Windows keeps a deleted name visible while it is open ("delete pending")' },
  async () => {
    const dir = tmpDir();
    const holder = await sideFileHolder(path.join(dir, 'held.pid.break.x.%PID%'), '%PID%\n');
    assert.equal(backend.unlink(holder.file), true);
    assert.equal(fs.existsSync(holder.file), false);
    assert.equal(backend.unlink(holder.file), false, 'gone, though still open');
    holder.child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test('unlink() throws an errno-style error for what it cannot delete', () => {
  const dir = tmpDir();
  const sub = path.join(dir, 'a-directory');
  fs.mkdirSync(sub);
  assert.throws(
    () => backend.unlink(sub),
    (err) => typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code),
  );
  assert.equal(fs.existsSync(sub), true);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('list() gives the names while the directory is within maxBytes, and null past it or when unreadable', () => {
  const dir = tmpDir();
  const names = ['a.pid', 'a.pid.break.x.1', 'b'];
  for (const n of names) fs.writeFileSync(path.join(dir, n), '');
  assert.deepEqual([...backend.list(dir, 1 << 20)].sort(), names);
  const size = fs.statSync(dir).size;
  // Windows reports 0 for a directory's size: unknown, so it is read whatever the limit.
  if (size > 0) assert.equal(backend.list(dir, size - 1), null, `${size} bytes, over the limit`);
  else assert.deepEqual([...backend.list(dir, 0)].sort(), names);
  assert.equal(backend.list(path.join(dir, 'missing'), 1 << 20), null);
  fs.rmSync(dir, { recursive: true, force: true });
});
