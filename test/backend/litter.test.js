'use strict';
// Litter collection after a break in a huge directory: by name only, never by
// reading the whole directory (which blocked takeovers for 200+ ms at 300,000
// entries). Reading a directory updates its atime (relatime: when the atime is
// older than the last change), so the directory's atime tells whether it was read.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, deadPid, ballotOf, tmpOf, ownDomain } = require('../helpers');

const atimeNs = (dir) => fs.statSync(dir, { bigint: true }).atimeNs;

test(
  "a takeover in a huge directory collects the dead breakers' ballots it met without reading the directory",
  { skip: process.platform === 'win32' && 'Windows reports no directory size; there the directory is read as before' },
  (t) => {
    const dir = tmpDir();
    // Past the sweep limit (64 KiB of directory) on ext4, tmpfs and btrfs alike.
    for (let i = 0; i < 4000; i++) fs.writeFileSync(path.join(dir, `unrelated-entry-${String(i).padStart(6, '0')}`), '');
    const file = path.join(dir, 'huge.pid');
    fs.writeFileSync(file, `${deadPid()}\n`);
    // A breaker that died holding round 1's ballot, and a publisher that died before linking.
    const ballot = ballotOf(file);
    const deadTmp = tmpOf(file, deadPid());
    fs.writeFileSync(ballot, `${deadPid()}\n`);
    fs.writeFileSync(deadTmp, '');
    const old = new Date(Date.now() - 3600_000);
    fs.utimesSync(dir, old, fs.statSync(dir).mtime);
    const before = atimeNs(dir);

    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), true, 'the stale lock is taken over');
    const after = atimeNs(dir);
    lock.release();

    fs.readdirSync(dir);
    if (atimeNs(dir) === after) return t.skip(`this filesystem does not update atime on read (noatime?): ${dir}`);
    assert.equal(after, before, 'the takeover did not read the directory');
    assert.equal(fs.existsSync(ballot), false, 'the dead round-1 ballot of the broken file was collected by name');
    assert.equal(fs.existsSync(deadTmp), true, 'a temp file has an unknowable name: left for a sweep while the directory is small');
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test('a takeover in a small directory still sweeps every dead side file', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'small.pid');
  fs.writeFileSync(file, `${deadPid()}\n`);
  const olderBallot = ballotOf(file, 1, '1abc-2-3-4'); // of a lock file long gone
  const deadTmp = tmpOf(file, deadPid());
  fs.writeFileSync(olderBallot, `${deadPid()}\n`);
  fs.writeFileSync(deadTmp, '');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.tryAcquire(), true);
  lock.release();
  assert.deepEqual(fs.readdirSync(dir), [], 'ballot and temp file collected');
});

test('a temp file of another PID domain is judged by its age, never by a PID of ours', (t) => {
  const own = ownDomain();
  if (own === null) return t.skip('no PID domain here (no /proc of ours): temp names carry no tag');
  const dir = tmpDir();
  const file = path.join(dir, 'domains.pid');
  fs.writeFileSync(file, `${deadPid()}\n`);
  const other = own.tag.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  // Its creator's PID is dead here, which says nothing about its own host or namespace.
  const foreignYoung = tmpOf(file, deadPid(), other, '0abc');
  const foreignOld = tmpOf(file, deadPid(), other, '0abd');
  const ownDead = tmpOf(file, deadPid(), own.tag);
  for (const f of [foreignYoung, foreignOld, ownDead]) fs.writeFileSync(f, '');
  const old = new Date(Date.now() - 2 * 3600_000);
  fs.utimesSync(foreignOld, old, old);
  assert.equal(pkg.removeStaleLock(file), true);
  assert.equal(fs.existsSync(ownDead), false, 'ours, its creator dead: collected');
  assert.equal(fs.existsSync(foreignYoung), true, "another domain's, an hour old at most: kept");
  assert.equal(fs.existsSync(foreignOld), false, "another domain's, over an hour old: collected");
  fs.rmSync(dir, { recursive: true, force: true });
});
