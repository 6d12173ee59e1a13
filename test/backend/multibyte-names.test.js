'use strict';
// A lock name is either refused up front with ENAMETOOLONG, or
// its whole life works: acquire, a SIGKILLed holder, takeover (which creates
// break ballots beside the lock, named after it). Limits are counted the way
// the filesystem counts: UTF-8 bytes on POSIX, UTF-16 units on Windows.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild } = require('../helpers');

const PORT = 1;
const NAME_MAX = 255;
const units = (s) => (process.platform === 'win32' ? s.length : Buffer.byteLength(s));
const fileName = (name) => `.${name}_lock_${PORT}.pid`;

/** The most repeats of `ch` whose lock file name still fits in `limit`. */
function longest(ch, limit = NAME_MAX) {
  let n = 0;
  while (units(fileName(ch.repeat(n + 1))) <= limit) n++;
  return n;
}

// 3-byte (one UTF-16 unit) and 4-byte (a surrogate pair) characters: at the
// limit, one over it, and below it. Around 228 the old UTF-16 count let the
// lock be created (a temp file name is ~20 longer) while its break ballots
// (~45 longer on tmpfs, up to 68) could not be: acquirable but unbreakable.
const CHARS = { '3-byte': '€', '4-byte': '😀' };
const fits = [];
const tooLong = [];
for (const [label, ch] of Object.entries(CHARS)) {
  const max = longest(ch);
  for (const n of [Math.floor(max * 0.6), longest(ch, 228), max])
    fits.push({ label: `${n} × ${label} (${units(fileName(ch.repeat(n)))} units)`, name: ch.repeat(n) });
  tooLong.push({ label: `${max + 1} × ${label} (${units(fileName(ch.repeat(max + 1)))} units)`, name: ch.repeat(max + 1) });
}

/**
 * Wine (which exposes the host's root as Z:) keeps Windows names as UTF-8 on
 * the host's filesystem, which counts bytes: there a lock whose own name or
 * whose ballots' names (up to ~70 units longer) pass 255 bytes fails with
 * ENOENT, where NTFS would hold them.
 */
const underWine = process.platform === 'win32' && fs.existsSync('Z:\\proc\\self');
const SIDE_SUFFIX_MAX = 70;

for (const { label, name } of fits) {
  test(`a name of ${label}: acquire, SIGKILL, takeover`, async (t) => {
    if (underWine && Buffer.byteLength(fileName(name)) + SIDE_SUFFIX_MAX > NAME_MAX) {
      return t.skip('under Wine the host filesystem counts UTF-8 bytes, and these names pass 255 of them');
    }
    const dir = tmpDir('pidlock-mb-');
    const file = pkg.lockFilePath({ name, port: PORT, dir });
    assert.equal(path.basename(file), fileName(name));
    const h = startChild(fixture('holder.js'), [file]);
    t.after(() => h.child.kill('SIGKILL'));
    assert.match(await h.firstLine, /^acquired /, h.stderr());
    const lock = new pkg.PidLock({ name, port: PORT, dir });
    assert.equal(lock.tryAcquire(), false, 'a live holder');
    h.child.kill('SIGKILL');
    await h.exited;
    assert.equal(lock.tryAcquire(), true, "the dead holder's lock is taken over");
    assert.equal(fs.readFileSync(file, 'utf8'), `${process.pid}\n`);
    assert.equal(lock.release(), true);
    assert.deepEqual(fs.readdirSync(dir), [], 'no temp file or ballot left behind');
  });
}

for (const { label, name } of tooLong) {
  test(`a name of ${label} is refused up front with ENAMETOOLONG`, () => {
    const dir = tmpDir('pidlock-mb-');
    const isTooLong = (e) => e.name === 'PidLockError' && e.code === 'ENAMETOOLONG' && e.path === path.join(dir, fileName(name));
    assert.throws(() => new pkg.PidLock({ name, port: PORT, dir }), isTooLong);
    const warnings = [];
    class App extends pkg.SingletonInstance {}
    App.singletonLockDir = dir;
    App.singletonLockName = name;
    App.singletonDefaultPort = PORT;
    App.onSingletonWarning = (w) => warnings.push(w.code);
    assert.equal(new App().acquireSingletonLock(), true, 'the singleton fails open');
    assert.deepEqual(warnings, ['PIDLOCK_UNAVAILABLE']);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing was created');
  });
}
