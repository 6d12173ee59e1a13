'use strict';
// A lock directory on a path-based FUSE filesystem with hard links but no
// O_TMPFILE (bindfs here; sshfs and other libfuse filesystems alike). FUSE gives
// each name its own node, with its own flocks, so a kernel lock taken on the temp
// file before link() is invisible through the lock's name. A native holder must
// hold its kernel lock on the name's node: `flock -n <lock>` and native judges see it.
// Also: where a filesystem shows one owner for every file, ownership is no
// evidence about a ballot's creator.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');
const {
  pkg,
  nativeKernelHeld,
  fixture,
  startChild,
  runChild,
  needRoot,
  inCI,
  deadPid,
  sideFileHolder,
  stagePackage,
  ballotOf,
} = require('../helpers');
const { formatContent, ownDomain } = require('../../dist/internal.js');

let mnt = null;
let why = null;

before(() => {
  if (process.platform !== 'linux' || process.getuid() !== 0) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-bindfs-'));
  const src = path.join(work, 'src');
  const dir = path.join(work, 'mnt');
  fs.mkdirSync(src);
  fs.mkdirSync(dir);
  const r = spawnSync('bindfs', [src, dir], { encoding: 'utf8' });
  if (r.status === 0) mnt = dir;
  else why = `bindfs: ${r.error?.message ?? r.stderr.trim()}`;
});

after(() => {
  if (mnt) spawnSync('fusermount', ['-u', mnt]);
});

function needBindfs(t) {
  if (!needRoot(t)) return false;
  if (mnt) return true;
  if (inCI) assert.fail(`CI must be able to mount bindfs (.ci/run installs it): ${why}`);
  t.skip(`NEEDS a bindfs mount: ${why}`);
  return false;
}

/** flock(1)'s exit status for a non-blocking exclusive lock on `file`: 0 taken (and dropped), 1 refused. */
const flockN = (file) => spawnSync('flock', ['-n', file, 'true']).status;

test('a native holder on bindfs holds its kernel lock on the lock name itself', async (t) => {
  if (!needBindfs(t)) return;
  // The premise: hard links work, and a flock on a second name of one file is not
  // seen through the first (each name is its own node).
  const a = path.join(mnt, 'premise-a');
  fs.writeFileSync(a, '');
  fs.linkSync(a, `${a}-b`);
  const held = spawnSync('sh', ['-c', 'exec 9<"$0"; flock -x 9; flock -n "$1" true', a, `${a}-b`]);
  assert.equal(held.status, 0, 'this bindfs shares flocks between the names of one file: the case this test is for does not arise');
  fs.unlinkSync(a);
  fs.unlinkSync(`${a}-b`);

  const file = path.join(mnt, `${pkg.backend}.lock`);
  // The holder is native in both runs: only native holders take kernel locks.
  const holder = startChild(fixture('holder.js'), [file], { env: { PIDLOCK_NO_NATIVE: '', PIDLOCK_EXPECT_BACKEND: '' } });
  const [state, , backend] = (await holder.firstLine).split(' ');
  assert.equal(state, 'acquired');
  assert.equal(backend, 'native');
  assert.equal(flockN(file), 1, '`flock -n <lock> true` is refused while the holder lives');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.tryAcquire(), false);
  assert.equal(nativeKernelHeld(file), true, 'native judges see the kernel lock');

  holder.child.stdin.write('release\n');
  assert.equal((await holder.exited).code, 0);
  assert.equal(fs.existsSync(file), false, 'released');
  assert.equal(lock.tryAcquire(), true);
  assert.equal(flockN(file), pkg.backend === 'native' ? 1 : 0, 'our own holder too (the JS backend takes no kernel locks)');
  lock.release();
});

test("a live breaker's ballot on a filesystem that forces one owner (bindfs --force-user) still keeps an unprivileged contender out", async (t) => {
  if (!needBindfs(t)) return;
  const domain = ownDomain();
  if (domain === null) return t.skip('no PID domain here: locks on a shared filesystem carry no marker');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-bindfs-owner-'));
  const src = path.join(work, 'src');
  const dir = path.join(work, 'mnt');
  fs.mkdirSync(src, { mode: 0o777 });
  fs.chmodSync(src, 0o777);
  fs.chmodSync(work, 0o755);
  fs.mkdirSync(dir);
  // Every file reads as owned by 65534, whoever made it (as sshfs shows the mount's user, NFS root squash nobody).
  const m = spawnSync('bindfs', ['--force-user=65534', '--force-group=65534', '--perms=a+rwX', src, dir], { encoding: 'utf8' });
  assert.equal(m.status, 0, m.stderr);
  t.after(() => spawnSync('fusermount', ['-u', dir]));
  // Our domain's marker, as a lock and a ballot on a shared filesystem carry it.
  const marked = (pid) => formatContent(pid, { tag: domain.tag, kernel: false, leaseSec: null, host: domain.host });
  const file = path.join(dir, 'owner.pid');
  fs.writeFileSync(file, marked(deadPid()));
  assert.equal(fs.statSync(file).uid, 65534);
  // A root breaker at work: it has its round-1 ballot open; the ballot reads as 65534's.
  const breaker = await sideFileHolder(ballotOf(file), marked(999999).replace('999999', '%PID%'));
  const staged = stagePackage();
  try {
    const r = runChild(staged.fixture('owner-look.js'), [file, String(breaker.pid)], { uid: 65533, env: { PIDLOCK_PKG: staged.root } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout),
      { fd: 'EACCES', state: 'stale', removed: false },
      "the ballot is a live breaker's: its owner says nothing here",
    );
    assert.equal(fs.existsSync(file), true);
  } finally {
    breaker.child.kill('SIGKILL');
  }
});
