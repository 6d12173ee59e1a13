'use strict';
// A lock directory on FAT, where link() fails (EPERM): the portable-app USB
// stick. Publishing falls back to an exclusive create of the lock path itself.
// The whole life runs there: acquire, a refused second process, a SIGKILLed
// holder taken over, a release.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');
const { pkg, fixture, startChild, runChild, needRoot, inCI } = require('../helpers');

let mnt = null;
let how = null;

/**
 * The holder's PID, alone on a kernel vfat mount; through fusefat the directory
 * is a shared filesystem (FUSE), where another host may read the lock, so a
 * marker line says where it was written (no kernel lock promised: no ' K').
 */
function assertContent(file, pid) {
  const text = fs.readFileSync(file, 'utf8');
  if (how.includes('FUSE')) assert.match(text, new RegExp(`^${pid}\\n@[0-9a-f]{12}\\.[0-9a-f]{8} \\S+\\n$`));
  else assert.equal(text, `${pid}\n`);
}
let unmount = null;

/**
 * A small FAT image mounted through a loop device when the kernel has vfat, or
 * else through FUSE (fusefat): either way a real FAT filesystem without hard links.
 */
function mountFat() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-fat-'));
  const img = path.join(work, 'fat.img');
  const dir = path.join(work, 'mnt');
  fs.mkdirSync(dir);
  fs.writeFileSync(img, '');
  fs.truncateSync(img, 8 * 1024 * 1024);
  const mkfs = spawnSync('mkfs.vfat', [img], { encoding: 'utf8' });
  if (mkfs.status !== 0) return { error: `mkfs.vfat: ${mkfs.error?.message ?? mkfs.stderr}` };
  const loop = spawnSync('mount', ['-t', 'vfat', '-o', 'loop,umask=000', img, dir], { encoding: 'utf8' });
  if (loop.status === 0) {
    return { dir, how: 'vfat on a loop device', unmount: () => spawnSync('umount', [dir]) };
  }
  const fuse = spawnSync('fusefat', ['-o', 'rw+', img, dir], { encoding: 'utf8' });
  if (fuse.status === 0) {
    return { dir, how: 'fusefat (FUSE)', unmount: () => spawnSync('fusermount', ['-u', dir]) };
  }
  return { error: `no FAT mount: loop: ${loop.stderr.trim()}; fusefat: ${fuse.error?.message ?? fuse.stderr.trim()}` };
}

before(() => {
  if (process.platform !== 'linux' || process.getuid() !== 0) return;
  const m = mountFat();
  if (m.error) {
    how = m.error;
    return;
  }
  ({ dir: mnt, how, unmount } = m);
});

after(() => unmount?.());

function needFat(t) {
  if (!needRoot(t)) return false;
  if (mnt) return true;
  if (inCI) assert.fail(`CI must be able to mount FAT (.ci/run installs dosfstools and fusefat): ${how}`);
  t.skip(`NEEDS a FAT mount: ${how}`);
  return false;
}

function tryElsewhere(file) {
  const r = runChild(fixture('try-once.js'), [file]);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).tried === true;
}

test('a lock on FAT (no hard links): acquire, refuse a second process, take over from a SIGKILLed holder, release', async (t) => {
  if (!needFat(t)) return;
  t.diagnostic(`FAT mounted as ${how}`);
  const file = path.join(mnt, `${pkg.backend}.lock`);
  const probe = path.join(mnt, `${pkg.backend}.probe`);
  fs.writeFileSync(probe, '');
  assert.throws(() => fs.linkSync(probe, `${probe}2`), /EPERM|ENOTSUP|EOPNOTSUPP|EXDEV/, 'this filesystem has no hard links');
  fs.unlinkSync(probe);

  const first = startChild(fixture('holder.js'), [file]);
  assert.match(await first.firstLine, /^acquired /);
  assertContent(file, first.child.pid);
  if (pkg.backend === 'native') {
    // The holder keeps its kernel lock on FAT too: flock(1) is refused.
    assert.equal(spawnSync('flock', ['-n', file, 'true']).status, 1);
  }
  assert.equal(tryElsewhere(file), false, 'a second process is refused while the holder lives');

  first.child.kill('SIGKILL');
  await first.exited;
  const second = startChild(fixture('holder.js'), [file]);
  assert.match(await second.firstLine, /^acquired /, "the dead holder's lock is taken over");
  assertContent(file, second.child.pid);
  second.child.stdin.write('release\n');
  assert.equal((await second.exited).code, 0);
  assert.deepEqual(
    fs.readdirSync(mnt).filter((f) => f.startsWith(pkg.backend)),
    [],
    'release left nothing behind',
  );
});
