'use strict';
// Locks written in another PID domain (another PID namespace, another boot or
// host), judged from here by real processes: a holder in a child PID namespace
// (a container), one that believes it runs on another host (its own UTS, PID
// and mount namespaces, with a fake boot id bound over /proc's), and a lock on a
// FUSE filesystem (bindfs), which other hosts may share.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir, firstLine, fixture, deadPid, needRoot, inCI, ballotOf, bindfsMount } = require('../helpers');

const linuxOnly = { skip: process.platform !== 'linux' && 'PID namespaces, boot ids and bindfs are Linux-only' };
const CLI = path.join(root, 'dist', 'cli.js');
const NATIVE = { PIDLOCK_NO_NATIVE: '', PIDLOCK_REQUIRE_NATIVE: '1' };
const JS = { PIDLOCK_NO_NATIVE: '1', PIDLOCK_REQUIRE_NATIVE: '' };

/**
 * Runs holder.js on `file` inside new namespaces (`unshare` + `setup` shell
 * lines, then the holder). Resolves once it holds the lock, with the holder's
 * host PID; kill() SIGKILLs the holder and waits until it is gone.
 */
async function nsHolder(t, file, { unshare = ['--pid', '--fork', '--mount-proc'], setup = '', env = NATIVE, pid1 = false } = {}) {
  const shq = (text) => `'${text.replace(/'/g, "'\\''")}'`;
  const holder = `${JSON.stringify(process.execPath)} ${shq(fixture('holder.js'))} ${JSON.stringify(file)}`;
  // As PID 1 the holder is the namespace's init (`exec`); otherwise sh stays PID 1 and the holder is its child.
  const script = `${setup}\n${pid1 ? `exec ${holder}` : `${holder}; :`}`;
  const child = spawn('unshare', [...unshare, 'sh', '-c', script], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => child.once('exit', r));
  t.after(() => child.kill('SIGKILL'));
  const line = await firstLine(child, 'namespace holder');
  assert.match(line, /^acquired /, err);
  // unshare --fork waits for its child; the holder is that child (PID 1) or the child's child.
  const children = (pid) => fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).map(Number);
  let hostPid = children(child.pid)[0];
  if (!pid1) hostPid = children(hostPid)[0];
  return {
    nsPid: Number(line.split(' ')[1]),
    hostPid,
    kill: async () => {
      process.kill(hostPid, 'SIGKILL');
      await exited;
    },
  };
}

/** A PID no host process has now (the holder's PID in its namespace is made this one). */
function unusedHostPid() {
  for (let pid = 32000; pid > 20000; pid--) if (!fs.existsSync(`/proc/${pid}`)) return pid;
  throw new Error('no free PID found');
}

const MARKED = /^(\d+)\n@([0-9a-f]{12}\.[0-9a-f]{8})( K)? (\S*)\n$/;

test(
  'a native holder that ran as PID 1 of a container is SIGKILLed: a contender on the host takes its lock within 3 s',
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const file = path.join(tmpDir(), '.ct_lock.pid');
    const h = await nsHolder(t, file, { pid1: true });
    const m = MARKED.exec(fs.readFileSync(file, 'latin1'));
    assert.ok(m, 'a holder in a container writes the marker');
    assert.equal(m[1], '1', 'the first line stays the bare PID');
    assert.equal(m[3], ' K', 'a native holder on a local disk promises its kernel lock');
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false, 'refused while the holder lives');
    assert.equal(pkg.lockStatus(file).reason, 'a live process holds its kernel lock');
    await h.kill();
    const t0 = performance.now();
    assert.equal(await lock.acquire({ timeout: 3000 }), true, 'taken within 3 s');
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`, 'a host process on a local disk writes the bare PID');
    lock.release();
  },
);

test('a plain pidfile naming 1 without a marker keeps the old rules: held by init', linuxOnly, () => {
  const file = path.join(tmpDir(), '.init_lock.pid');
  fs.writeFileSync(file, '1\n');
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(file, past, past);
  assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false);
  const s = pkg.lockStatus(file);
  assert.deepEqual([s.state, s.alive, s.origin, s.host], ['held', true, 'here', null]);
});

for (const [where, dirOf] of [
  ['ext4 or the temp dir', () => tmpDir()],
  ['tmpfs /dev/shm', () => fs.mkdtempSync('/dev/shm/pidlock-test-')],
  [
    'overlayfs, as a container root',
    (t) => {
      const base = tmpDir();
      const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => path.join(base, d));
      for (const d of [lower, upper, work, merged]) fs.mkdirSync(d);
      const r = spawnSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
      assert.equal(r.status, 0, `mount -t overlay: ${r.stderr}`);
      t.after(() => spawnSync('umount', ['-l', merged]));
      return merged;
    },
  ],
]) {
  test(
    `a native holder in a child PID namespace whose PID names nothing here (${where}): refused while it lives, taken after`,
    linuxOnly,
    async (t) => {
      if (!needRoot(t)) return;
      if (!fs.existsSync('/dev/shm') && where.includes('shm')) return t.skip('no /dev/shm');
      const dir = dirOf(t);
      t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, '.ns_lock.pid');
      const want = unusedHostPid();
      const h = await nsHolder(t, file, { setup: `echo ${want - 1} > /proc/sys/kernel/ns_last_pid` });
      assert.equal(h.nsPid, want, 'the holder got the chosen PID in its namespace');
      assert.equal(fs.existsSync(`/proc/${want}`), false, 'which names no process on the host');
      const lock = new pkg.PidLock({ path: file });
      // The JS backend finds the native holder's kernel lock in /proc/locks (major:minor:inode).
      assert.equal(lock.tryAcquire(), false, `refused while the holder lives (${pkg.backend})`);
      assert.deepEqual(lock.owner(), { pid: want, alive: true, stale: false });
      await h.kill();
      assert.equal(await lock.acquire({ timeout: 3000 }), true, 'taken once its kernel lock is gone');
      lock.release();
    },
  );
}

test(
  'the JS backend holds no kernel lock: a JS holder in a container cannot be checked from the host, until clean --force',
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const file = path.join(tmpDir(), '.jsct_lock.pid');
    const h = await nsHolder(t, file, { env: JS, pid1: true });
    const m = MARKED.exec(fs.readFileSync(file, 'latin1'));
    assert.ok(m && m[3] === undefined, 'a JS holder writes the marker without K');
    await h.kill();
    const s = pkg.lockStatus(file);
    assert.deepEqual([s.state, s.alive, s.origin], ['held', null, 'other']);
    assert.match(s.reason, /written in another PID namespace of this host .*cannot be checked from here.*clean --force/);
    assert.equal(pkg.removeStaleLock(file), false);
    assert.equal(pkg.removeStaleLock(file, { force: true }), true);
    assert.equal(fs.existsSync(file), false);
  },
);

test(
  'a live holder in a container whose lock looks older than this boot (lxcfs uptime, a resumed VM, no RTC): still held',
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const file = path.join(tmpDir(), '.preboot_lock.pid');
    // A JS holder promises no kernel lock: only the marker and the mtime speak for it.
    const h = await nsHolder(t, file, { env: JS });
    const content = fs.readFileSync(file, 'latin1');
    assert.match(content, MARKED);
    const uptime = Number(fs.readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
    const beforeBoot = new Date(Date.now() - uptime * 1000 - 3_600_000);
    fs.utimesSync(file, beforeBoot, beforeBoot);
    const s = pkg.lockStatus(file);
    assert.deepEqual([s.state, s.alive, s.origin], ['held', null, 'other'], s.reason);
    assert.match(s.reason, /in another PID namespace of this host/);
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false, 'a marker of this boot was written in this boot');
    assert.equal(pkg.removeStaleLock(file), false);
    assert.equal(fs.readFileSync(file, 'latin1'), content);
    await h.kill();
  },
);

/** A btrfs filesystem on a loop device with a subvolume, whose files' st_dev is not the one /proc/locks prints. */
function btrfsSubvolume(t) {
  const base = tmpDir();
  const img = path.join(base, 'btrfs.img');
  const mnt = path.join(base, 'mnt');
  fs.mkdirSync(mnt);
  fs.writeFileSync(img, '');
  fs.truncateSync(img, 128 * 1024 * 1024);
  const fail = (what, r) => {
    const why = `${what}: ${r.error?.message ?? r.stderr}`;
    if (inCI) assert.fail(`CI must be able to mount btrfs (.ci/run installs btrfs-progs): ${why}`);
    t.skip(`NEEDS a btrfs loop mount: ${why}`);
    return null;
  };
  let r = spawnSync('mkfs.btrfs', ['-q', img], { encoding: 'utf8' });
  if (r.status !== 0) return fail('mkfs.btrfs', r);
  r = spawnSync('mount', ['-o', 'loop', img, mnt], { encoding: 'utf8' });
  if (r.status !== 0) return fail('mount -o loop', r);
  t.after(() => spawnSync('umount', ['-l', mnt]));
  const sub = path.join(mnt, 'sub');
  r = spawnSync('btrfs', ['subvolume', 'create', sub], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(fs.statSync(sub).dev, fs.statSync(mnt).dev, 'a subvolume has its own st_dev');
  return sub;
}

test(
  "a native holder in a container on a btrfs subvolume (st_dev is not /proc/locks' device): refused while it lives, taken after",
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const dir = btrfsSubvolume(t);
    if (dir === null) return;
    const file = path.join(dir, '.btrfs_lock.pid');
    const h = await nsHolder(t, file, { pid1: true });
    assert.match(fs.readFileSync(file, 'latin1'), /^1\n@\S+ K /);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false, `refused while the holder lives (${pkg.backend})`);
    assert.equal(pkg.lockStatus(file).reason, 'a live process holds its kernel lock');
    await h.kill();
    assert.equal(await lock.acquire({ timeout: 3000 }), true, 'taken once its kernel lock is gone');
    lock.release();
  },
);

test('a dead breaker of another boot left its ballot: a normal break waits for it, clean --force gets past it', linuxOnly, () => {
  const dir = tmpDir();
  const file = path.join(dir, '.ballot_lock.pid');
  const elsewhere = `${deadPid()}\n@0123456789ab.01234567 build-7\n`;
  fs.writeFileSync(file, `${deadPid()}\n`);
  assert.equal(pkg.lockStatus(file).state, 'stale');
  const ballot = ballotOf(file);
  fs.writeFileSync(ballot, elsewhere);
  // A breaker on another host may be at work for all we can tell: a normal break leaves it be.
  assert.equal(pkg.removeStaleLock(file), false);
  assert.ok(fs.existsSync(file));
  assert.equal(pkg.removeStaleLock(file, { force: true }), true, 'forced past a ballot that cannot be checked from here');
  assert.equal(fs.existsSync(file), false);
  // The same for a lock that itself cannot be checked from here, through the CLI.
  fs.writeFileSync(file, elsewhere);
  fs.writeFileSync(ballotOf(file), elsewhere);
  const forced = spawnSync(process.execPath, [CLI, 'clean', '--force', '--path', file], { encoding: 'utf8' });
  assert.equal(forced.status, 0, forced.stdout + forced.stderr);
  assert.equal(fs.existsSync(file), false);
  // A ballot of another domain older than an hour is abandoned: a normal break moves past it too.
  fs.writeFileSync(file, `${deadPid()}\n`);
  const old = ballotOf(file);
  fs.writeFileSync(old, elsewhere);
  const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
  fs.utimesSync(old, hoursAgo, hoursAgo);
  assert.equal(pkg.removeStaleLock(file), true);
  assert.equal(fs.existsSync(file), false);
});

/** Runs fixture `script` with `args` on the JS backend in a new PID namespace; returns its stdout. */
function inContainer(script, ...args) {
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, fixture(script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...JS },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test(
  "a JS contender in a container does not judge the host's unmarked lock by its own PIDs: held, cannot be checked",
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const file = path.join(tmpDir(), '.host_lock.pid');
    const holder = spawn(process.execPath, [fixture('holder.js'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    t.after(() => holder.kill('SIGKILL'));
    assert.match(String(await new Promise((r) => holder.stdout.once('data', r))), /^acquired /);
    assert.equal(fs.readFileSync(file, 'latin1'), `${holder.pid}\n`, 'a host process on a local disk writes the bare PID');
    const out = JSON.parse(inContainer('try-once.js', file, 'look'));
    assert.equal(out.backend, 'js');
    assert.equal(out.tried, false, `the container took the host's live lock: ${JSON.stringify(out)}`);
    assert.deepEqual([out.status.state, out.status.alive], ['held', null], out.status.reason);
    assert.match(out.status.reason, /PID namespace other than the host's: owner \d+ may be a process of the host/);
    assert.equal(fs.readFileSync(file, 'latin1'), `${holder.pid}\n`);
    holder.stdin.end('release\n');
  },
);

test(
  "--force from a JS judge in a container never removes a sibling container's live native lock (its kernel lock is hidden there)",
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const file = path.join(tmpDir(), '.sib_lock.pid');
    const h = await nsHolder(t, file, { pid1: true });
    const content = fs.readFileSync(file, 'latin1');
    assert.match(content, /^1\n@\S+ K /);
    const out = JSON.parse(inContainer('force-clean.js', file));
    assert.equal(out.backend, 'js');
    assert.equal(out.removed, false, `forced away a live lock: ${JSON.stringify(out)}`);
    assert.equal(fs.readFileSync(file, 'latin1'), content);
    assert.match(out.said.join('\n'), /this process cannot see: force it from the host .* or with the native backend/);
    // From the host, the kernel lock is seen: still held.
    assert.equal(pkg.removeStaleLock(file, { force: true }), false);
    await h.kill();
  },
);

/** A fake host: its own hostname, boot id (bound over /proc's), PID and mount namespaces. */
function otherHost(dir, name) {
  const boot = path.join(dir, `boot-${name}`);
  fs.writeFileSync(boot, '0badc0de-1111-2222-3333-444455556666\n');
  return {
    unshare: ['--mount', '--uts', '--pid', '--fork', '--mount-proc'],
    setup: `mount --bind ${JSON.stringify(boot)} /proc/sys/kernel/random/boot_id && hostname ${name} || exit 9`,
  };
}

test('a crashed holder of another boot (host build-7): held, named, kept by clean, removed by clean --force', linuxOnly, async (t) => {
  if (!needRoot(t)) return;
  const dir = tmpDir();
  const file = path.join(dir, '.boot_lock.pid');
  const h = await nsHolder(t, file, { ...otherHost(dir, 'build-7') });
  const m = MARKED.exec(fs.readFileSync(file, 'latin1'));
  assert.ok(m, 'marked');
  assert.equal(m[4], 'build-7');
  await h.kill();
  // Its PID may name anything here: dead, or one of ours.
  for (const pid of [deadPid(), process.pid, 1]) {
    fs.writeFileSync(file, fs.readFileSync(file, 'latin1').replace(/^\d+/, String(pid)));
    const s = pkg.lockStatus(file);
    assert.deepEqual([s.state, s.alive, s.stale, s.origin, s.host], ['held', null, false, 'other', 'build-7'], `PID ${pid}: ${s.reason}`);
    assert.match(
      s.reason,
      /^written on host build-7 \(another host or boot\): owner \d+ cannot be checked from here; if it is gone, run 'pidlock clean --force'$/,
    );
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false, `PID ${pid}: refused`);
  }
  const status = spawnSync(process.execPath, [CLI, 'status', '--path', file], { encoding: 'utf8' });
  assert.match(status.stdout, /\norigin: +other \(host build-7\)\n/);
  const clean = spawnSync(process.execPath, [CLI, 'clean', '--path', file], { encoding: 'utf8' });
  assert.equal(clean.status, 1, clean.stderr);
  assert.ok(fs.existsSync(file));
  const forced = spawnSync(process.execPath, [CLI, 'clean', '--force', '--path', file, '--json'], { encoding: 'utf8' });
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(JSON.parse(forced.stdout).action, 'removed');
  assert.equal(fs.existsSync(file), false);
});

test('force never removes a lock held by a kernel lock or by a live owner of our own domain', linuxOnly, async (t) => {
  if (!needRoot(t)) return;
  const dir = tmpDir();
  // Another boot's marker, but its kernel lock is held (flock(1) here).
  const file = path.join(dir, '.kf_lock.pid');
  fs.writeFileSync(file, `${deadPid()}\n@0123456789ab.01234567 K build-7\n`);
  const flocker = spawn('sh', ['-c', 'exec 9<"$0"; flock -x 9; echo locked; exec cat', file]);
  t.after(() => flocker.kill('SIGKILL'));
  assert.equal(await new Promise((r) => flocker.stdout.once('data', (d) => r(String(d)))), 'locked\n');
  assert.equal(pkg.removeStaleLock(file, { force: true }), false);
  assert.equal(spawnSync(process.execPath, [CLI, 'clean', '--force', '--path', file], { encoding: 'utf8' }).status, 1);
  assert.ok(fs.existsSync(file));
  flocker.kill('SIGKILL');
  // A shared flock is a reader's (or a native judge's probe), never a holder's: it keeps nothing.
  const stale = path.join(dir, '.sh_lock.pid');
  fs.writeFileSync(stale, `${deadPid()}\n`);
  const reader = spawn('sh', ['-c', 'exec 9<"$0"; flock -s 9; echo locked; exec cat', stale]);
  t.after(() => reader.kill('SIGKILL'));
  assert.equal(await new Promise((r) => reader.stdout.once('data', (d) => r(String(d)))), 'locked\n');
  assert.equal(pkg.lockStatus(stale).state, 'stale', `a shared flock proves no holder (${pkg.backend})`);
  reader.kill('SIGKILL');
  // A live owner here, written with our marker (origin 'always').
  const live = path.join(dir, '.live_lock.pid');
  const holder = spawn(process.execPath, [
    '-e',
    `const l = new (require(${JSON.stringify(root)}).PidLock)({ path: process.argv[1], origin: 'always' }); l.tryAcquire(); console.log('ok'); setInterval(() => {}, 1000)`,
    live,
  ]);
  t.after(() => holder.kill('SIGKILL'));
  await new Promise((r) => holder.stdout.once('data', r));
  assert.match(fs.readFileSync(live, 'latin1'), MARKED);
  assert.equal(pkg.lockStatus(live).origin, 'here');
  assert.equal(pkg.removeStaleLock(live, { force: true }), false);
  assert.ok(fs.existsSync(live));
  assert.throws(() => pkg.removeStaleLock(live, { force: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test(
  'an unmarked lock on a shared filesystem (FUSE, bindfs) whose PID is dead here: held, "cannot tell"; singleHost takes it',
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const mnt = bindfsMount(t);
    const file = path.join(mnt, '.nfs_lock.pid');
    fs.writeFileSync(file, `${deadPid()}\n`);
    const s = pkg.lockStatus(file);
    assert.deepEqual([s.state, s.alive, s.origin], ['held', null, 'unknown']);
    assert.match(s.reason, /on a shared filesystem \(fuse\) without a marker: owner \d+ may be running on another host/);
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false);
    assert.equal(pkg.removeStaleLock(file), false);
    assert.equal(pkg.lockStatus({ path: file, singleHost: true }).state, 'stale');
    const lock = new pkg.PidLock({ path: file, singleHost: true });
    assert.equal(lock.tryAcquire(), true, 'declared single-host: judged by local PIDs');
    // Written on a shared filesystem: marked, and no kernel lock promised there.
    const m = MARKED.exec(fs.readFileSync(file, 'latin1'));
    assert.ok(m, 'marked on a shared filesystem');
    assert.equal(m[3], undefined, 'no K on a shared filesystem');
    assert.equal(pkg.lockStatus(file).origin, 'here');
    lock.release();
    // A live holder here, unmarked on the same filesystem: held as today.
    const other = path.join(mnt, '.live_lock.pid');
    fs.writeFileSync(other, `${process.ppid}\n`);
    assert.equal(pkg.lockStatus(other).alive, true);
  },
);

test('pidlock clean --single-host removes a dead unmarked lock on a FUSE directory declared single-host', linuxOnly, (t) => {
  if (!needRoot(t)) return;
  const mnt = bindfsMount(t);
  const file = path.join(mnt, '.sh_lock.pid');
  fs.writeFileSync(file, `${deadPid()}\n`);
  const kept = spawnSync(process.execPath, [CLI, 'clean', '--path', file], { encoding: 'utf8' });
  assert.equal(kept.status, 1, 'without the declaration: cannot tell, kept');
  assert.ok(fs.existsSync(file));
  const r = spawnSync(process.execPath, [CLI, 'clean', '--single-host', '--path', file, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(JSON.parse(r.stdout).action, 'removed');
  assert.equal(fs.existsSync(file), false);
});

test(
  'a lease: a holder on another host keeps its lock by refreshing it; SIGKILLed, it is taken once the lease runs out',
  linuxOnly,
  async (t) => {
    if (!needRoot(t)) return;
    const dir = tmpDir();
    const file = path.join(dir, '.lease_lock.pid');
    const h = await nsHolder(t, file, { ...otherHost(dir, 'build-7'), env: { ...JS, HOLDER_LEASE_MS: '1500' } });
    assert.match(
      fs.readFileSync(file, 'latin1'),
      /^\d+\n@[0-9a-f]{12}\.[0-9a-f]{8} L2 build-7\n$/,
      'the lease is published, in whole seconds',
    );
    const lock = new pkg.PidLock({ path: file });
    // Twice the published lease: the holder's refreshes keep it held all along.
    assert.equal(await lock.acquire({ timeout: 4000 }), false, 'held while the holder refreshes');
    assert.ok(Date.now() - fs.statSync(file).mtimeMs < 2000, 'refreshed within the lease');
    await h.kill();
    const t0 = performance.now();
    assert.equal(await lock.acquire({ timeout: 8000 }), true, 'taken after the lease ran out');
    assert.ok(performance.now() - t0 > 500, 'not before the lease ran out');
    lock.release();
    assert.throws(() => new pkg.PidLock({ path: file, lease: '5s' }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => new pkg.PidLock({ path: file, lease: 999 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  },
);

test('lock options origin and singleHost are validated', () => {
  const file = path.join(tmpDir(), '.opt_lock.pid');
  assert.throws(() => new pkg.PidLock({ path: file, origin: 'sometimes' }), {
    code: 'ERR_INVALID_ARG_VALUE',
    message: /'auto'.*'always'.*'never'/,
  });
  assert.throws(() => new pkg.PidLock({ path: file, origin: 1 }), { code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => new pkg.PidLock({ path: file, singleHost: 'yes' }), { code: 'ERR_INVALID_ARG_TYPE' });
  const never = new pkg.PidLock({ path: file, origin: 'never' });
  assert.equal(never.tryAcquire(), true);
  assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`);
  never.release();
  const always = new pkg.PidLock({ path: file, origin: 'always' });
  assert.equal(always.tryAcquire(), true);
  if (process.platform === 'linux') assert.match(fs.readFileSync(file, 'latin1'), MARKED);
  assert.equal(pkg.readLockFilePid(file).pid, process.pid, 'readLockFilePid reads the first line of a marked lock');
  always.release();
});
