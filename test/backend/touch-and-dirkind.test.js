'use strict';
// Two backend verbs, called on the real OS: touch() (a lease refresh through
// the held handle, which must reach the held file whatever the path names) and
// dirKind() (what the OS says of a directory's filesystem, asked on macOS and
// Windows only). On Linux these run here; on macOS and Windows they run on the
// release runners (and under Wine, scripts/cross/ci.sh).
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir } = require('../helpers');

const native = pkg.backend === 'native';
const { selected } = require(path.join(root, 'dist', 'internal.js'));
const backend = selected.backend;
assert.equal(backend.name, pkg.backend, `the internal entry loaded the package's backend (${selected.loadError})`);
const OLD = new Date('2001-01-01T00:00:00Z');

test("touch() sets the held file's mtime to now through the handle, even after the path was renamed away", () => {
  const dir = tmpDir();
  const file = path.join(dir, 'touch.pid');
  const held = backend.publish(file, `${process.pid}\n`);
  try {
    fs.utimesSync(file, OLD, OLD);
    const before = Date.now();
    backend.touch(held);
    const mtime = fs.statSync(file).mtimeMs;
    // Filesystem timestamps may be coarser than Date.now(): allow 2 s of rounding.
    assert.ok(mtime >= before - 2000, `mtime ${new Date(mtime).toISOString()} not refreshed`);
    if (process.platform !== 'win32') {
      // A held file cannot be renamed on Windows; elsewhere the handle still names it.
      const moved = path.join(dir, 'moved.pid');
      fs.renameSync(file, moved);
      fs.utimesSync(moved, OLD, OLD);
      backend.touch(held);
      assert.ok(fs.statSync(moved).mtimeMs >= before - 2000, 'the renamed file was refreshed through the handle');
      fs.renameSync(moved, file);
    }
  } finally {
    backend.remove(file, held);
  }
  assert.throws(() => backend.touch(held), 'a released handle is touched no more');
});

test('dirKind(): the temp directory is local; Linux leaves the question to statfs in JS; the JS backend has none', () => {
  const dir = tmpDir();
  if (!native) {
    assert.equal(backend.dirKind, undefined, 'the JS backend cannot ask');
  } else if (process.platform === 'linux') {
    assert.equal(backend.dirKind(dir), null);
  } else {
    const kind = backend.dirKind(dir);
    assert.equal(kind?.local, true, `${dir}: ${JSON.stringify(kind)}`);
    if (process.platform === 'darwin') {
      assert.match(kind.type, /^\w+$/, 'f_fstypename names the filesystem (apfs, hfs)');
      assert.equal(backend.dirKind(path.join(dir, 'missing', 'dir')), null, 'statfs fails: cannot tell');
    }
  }
});
