'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, runChild, idleChild, sideFileHolder, deadPid, sleep, tmpOf } = require('../helpers');

const holderScript = fixture('holder.js');
const lockIn = (dir = tmpDir()) => path.join(dir, '.t_lock_1.pid');
const sideFiles = (file) => fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file)));
/** Makes a file look written `secondsAgo` seconds ago. */
const age = (file, secondsAgo) => {
  const t = Date.now() / 1000 - secondsAgo;
  fs.utimesSync(file, t, t);
};

test('acquire writes "PID\\n", release removes it, and a released lock can be taken again', () => {
  const file = lockIn();
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.held, false);
  assert.equal(lock.tryAcquire(), true);
  assert.equal(lock.held, true);
  assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`);
  assert.equal(lock.release(), true);
  assert.equal(lock.held, false);
  assert.equal(fs.existsSync(file), false);
  assert.deepEqual(sideFiles(file), [], 'no temp files or ballots left behind');
  assert.equal(lock.release(), false, 'releasing twice is a no-op');
  assert.equal(lock.tryAcquire(), true);
  assert.equal(lock.release(), true);
});

test('a second PidLock in the same process is refused while the first holds', () => {
  const file = lockIn();
  const a = new pkg.PidLock({ path: file });
  const b = new pkg.PidLock({ path: file });
  assert.equal(a.tryAcquire(), true);
  assert.equal(b.tryAcquire(), false);
  assert.deepEqual(b.owner(), { pid: process.pid, alive: true, stale: false });
  a.release();
  assert.equal(b.tryAcquire(), true);
  b.release();
});

test('a second process is refused while the first lives', async () => {
  const file = lockIn();
  const first = startChild(holderScript, [file]);
  assert.match(await first.firstLine, /^acquired /);
  const second = runChild(holderScript, [file]);
  assert.equal(second.status, 3, second.stderr);
  assert.match(second.stdout, /^refused /);
  assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false);
  first.child.stdin.write('release\n');
  assert.equal((await first.exited).code, 0);
  assert.equal(fs.existsSync(file), false);
});

test("a SIGKILLed holder's lock is taken over, with no litter left", async () => {
  const file = lockIn();
  const holder = startChild(holderScript, [file]);
  const pid = Number((await holder.firstLine).split(' ')[1]);
  holder.child.kill('SIGKILL');
  await holder.exited;
  assert.equal(fs.readFileSync(file, 'latin1'), `${pid}\n`, 'SIGKILL leaves the lock file');
  const lock = new pkg.PidLock({ path: file });
  assert.deepEqual(lock.owner(), { pid, alive: false, stale: true });
  assert.equal(lock.tryAcquire(), true);
  assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`);
  lock.release();
  assert.deepEqual(sideFiles(file), []);
});

test('a waiter gets the lock when the holder dies', async () => {
  const file = lockIn();
  const holder = startChild(holderScript, [file]);
  await holder.firstLine;
  const waiter = startChild(holderScript, [file, '10000']);
  await sleep(200);
  holder.child.kill('SIGKILL');
  assert.match(await waiter.firstLine, /^acquired /);
  waiter.child.stdin.write('release\n');
  assert.equal((await waiter.exited).code, 0);
});

test(
  'release leaves alone a lock that someone else created after ours was broken',
  {
    skip:
      process.platform === 'win32' &&
      "Windows cannot delete a held lock (native) or reuse its name while the holder's handle keeps it delete-pending (JS)",
  },
  () => {
    const file = lockIn();
    const lock = new pkg.PidLock({ path: file });
    const warnings = [];
    const mine = new pkg.PidLock({ path: file, onWarning: (w) => warnings.push(w.code) });
    assert.equal(mine.tryAcquire(), true);
    // Someone wrongly broke our lock and took it: our release must not delete theirs.
    fs.unlinkSync(file);
    const other = deadPid();
    fs.writeFileSync(file, `${other}\n`);
    assert.equal(mine.release(), false);
    assert.equal(fs.readFileSync(file, 'latin1'), `${other}\n`);
    assert.deepEqual(warnings, ['PIDLOCK_REPLACED']);
    assert.equal(lock.held, false);
  },
);

for (const [label, content] of Object.entries({
  empty: '',
  spaces: '   ',
  abc: 'abc\n',
  '-1': '-1\n',
  0: '0\n',
  1.5: '1.5\n',
  '99999999999999999999': '99999999999999999999\n',
  binary: Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef]),
  'PID then text': `${process.ppid} is mine\n`,
})) {
  test(`invalid content (${label}) is held inside the grace period and stale after it`, () => {
    const file = lockIn();
    fs.writeFileSync(file, content);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false, 'a writer may be about to fill it');
    assert.equal(fs.readFileSync(file).equals(Buffer.from(content)), true, 'untouched while young');
    age(file, 5);
    assert.equal(lock.tryAcquire(), true);
    assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`);
    lock.release();
  });
}

test('a 10 MB file at the lock path is not a lock: never deleted, never read whole', () => {
  const file = lockIn();
  fs.writeFileSync(file, Buffer.alloc(10 * 1024 * 1024, 0x31));
  age(file, 5);
  const lock = new pkg.PidLock({ path: file });
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(
    () => lock.tryAcquire(),
    (e) => e.name === 'PidLockError' && e.code === 'EFTYPE' && e.path === file,
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024, 'read must stay bounded');
  assert.equal(fs.statSync(file).size, 10 * 1024 * 1024);
});

test('PID reuse: a live process that started after the lock was written does not own it', async () => {
  const file = lockIn();
  const stranger = await idleChild();
  try {
    fs.writeFileSync(file, `${stranger.pid}\n`);
    const lock = new pkg.PidLock({ path: file });
    if (pkg.getProcessStartTime(stranger.pid) === null) {
      // Without a start time (JS path off Linux) a live PID must be treated as the owner.
      assert.equal(lock.tryAcquire(), false);
      return;
    }
    assert.equal(lock.tryAcquire(), false, 'written after the stranger started: it is the owner');
    age(file, 60);
    assert.deepEqual(lock.owner(), { pid: stranger.pid, alive: true, stale: true });
    assert.equal(lock.tryAcquire(), true);
    lock.release();
  } finally {
    stranger.kill('SIGKILL');
  }
});

test('own PID: a lock naming us that predates this process is stale; a fresh one is ours (time rule, off Linux)', () => {
  const file = lockIn();
  fs.writeFileSync(file, `${process.pid}\n`);
  const lock = new pkg.PidLock({ path: file });
  if (process.platform === 'linux') {
    // /proc/self/fd proves no thread of ours holds it, whatever its mtime (test/backend/proc-proof.test.js).
    assert.equal(lock.tryAcquire(), true, 'not open by any thread of ours');
    lock.release();
    return;
  }
  assert.equal(lock.tryAcquire(), false, 'written after we started: another thread of ours could hold it');
  age(file, process.uptime() + 5);
  assert.equal(lock.owner().stale, true);
  assert.equal(lock.tryAcquire(), true, 'a previous run with the same PID (a container restart)');
  lock.release();
});

test(
  'a live holder with an old mtime is held: it has its lock file open (a wall clock stepped forward)',
  {
    // Only Linux derives start times from the boot clock; Windows and macOS keep an
    // absolute creation time, so there an old mtime is genuine evidence of PID reuse.
    skip: process.platform !== 'linux' && 'start times are absolute here; a clock step cannot fake PID reuse',
  },
  async () => {
    // After a forward clock step a live holder's start time looks later than its
    // lock's mtime, like a reused PID. The open descriptor is the proof that wins.
    for (const holderBackend of ['native', 'js']) {
      const file = lockIn();
      const holder = startChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: holderBackend === 'js' ? '1' : '' } });
      await holder.firstLine;
      age(file, 3600);
      const lock = new pkg.PidLock({ path: file });
      assert.equal(lock.tryAcquire(), false, `${holderBackend} holder`);
      assert.equal(lock.owner().stale, false);
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  },
);

test("litter collection keeps a live publisher's empty temp file and removes a dead one's", async () => {
  const file = lockIn();
  // A publisher frozen between creating its temp file and writing it: it has the file open.
  const live = await sideFileHolder(tmpOf(file, '%PID%'), '');
  // A live process whose PID a temp file names, but that never made it (its PID
  // was reused after the creator died, or someone planted the name).
  const stranger = await idleChild();
  try {
    const liveTmp = live.file;
    const deadTmp = tmpOf(file, deadPid());
    const strangerTmp = tmpOf(file, stranger.pid);
    fs.writeFileSync(deadTmp, '');
    fs.writeFileSync(strangerTmp, '');
    for (const t of [liveTmp, deadTmp, strangerTmp]) age(t, 5);
    fs.writeFileSync(file, `${deadPid()}\n`);
    assert.equal(pkg.removeStaleLock(file), true);
    assert.equal(fs.existsSync(liveTmp), true, 'its creator is alive, has it open and is about to link it');
    assert.equal(fs.existsSync(deadTmp), false, 'its creator is dead');
    // Linux: /proc/<pid>/fd says it does not have it open. Elsewhere the native
    // backend knows the start time: the process started after the file was
    // written, so it is not its creator. The JS backend off Linux cannot tell.
    const proc = process.platform === 'linux';
    const told = proc || pkg.backend === 'native';
    assert.equal(
      fs.existsSync(strangerTmp),
      !told,
      proc ? 'the process it names does not have it open' : told ? 'the process it names started after it' : 'kept: cannot tell',
    );
    fs.unlinkSync(liveTmp);
    if (!told) fs.unlinkSync(strangerTmp);
  } finally {
    live.child.kill('SIGKILL');
    stranger.kill('SIGKILL');
  }
});

test('acquireSync and acquire time out with false while a live process holds the lock', async () => {
  const file = lockIn();
  const holder = startChild(holderScript, [file]);
  await holder.firstLine;
  try {
    const lock = new pkg.PidLock({ path: file });
    let t0 = Date.now();
    assert.equal(lock.acquireSync({ timeout: 300, retryInterval: 20 }), false);
    assert.ok(Date.now() - t0 >= 290, 'it waited');
    t0 = Date.now();
    assert.equal(await lock.acquire({ timeout: 300, retryInterval: 20 }), false);
    assert.ok(Date.now() - t0 >= 290, 'it waited');
    assert.equal(lock.held, false);
  } finally {
    holder.child.kill('SIGKILL');
  }
});

test('acquire rejects with AbortError when aborted, and at once when already aborted', async () => {
  const file = lockIn();
  const holder = startChild(holderScript, [file]);
  await holder.firstLine;
  try {
    const lock = new pkg.PidLock({ path: file });
    const ac = new AbortController();
    const pending = lock.acquire({ timeout: 10000, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('user gave up')), 100);
    await assert.rejects(pending, (e) => e.name === 'AbortError' && e.code === 'ABORT_ERR' && e.cause.message === 'user gave up');
    await assert.rejects(lock.acquire({ signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(lock.held, false);
  } finally {
    holder.child.kill('SIGKILL');
  }
});

test('wait options are validated', () => {
  const lock = new pkg.PidLock({ path: lockIn() });
  for (const bad of [{ timeout: -1 }, { timeout: NaN }, { retryInterval: 0 }, { retryInterval: Infinity }, { timeout: '5' }]) {
    assert.throws(() => lock.acquireSync(bad), RangeError, JSON.stringify(bad));
  }
});

test(
  'the lock is released on normal exit and on SIGINT, SIGTERM and SIGHUP, keeping the exit status',
  {
    skip:
      process.platform === 'win32' && 'Windows kill() terminates without running handlers; normal exit is in test/backend/windows.test.js',
  },
  async () => {
    for (const how of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP']) {
      const file = lockIn();
      const child = startChild(fixture('exit-holder.js'), [file, how]);
      assert.match(await child.firstLine, /^acquired/);
      if (how !== 'exit') child.child.kill(how);
      const { code, signal } = await child.exited;
      if (how === 'exit') assert.equal(code, 7);
      else assert.equal(signal, how, 'the process still ends by the signal');
      assert.equal(fs.existsSync(file), false, `released on ${how}`);
    }
  },
);

test(
  'a kernel lock held by anyone proves a live holder, whatever the PID says',
  { skip: process.platform !== 'linux' && 'needs flock(1) from util-linux; the Windows kernel lock is in test/backend/windows.test.js' },
  async () => {
    const file = lockIn();
    fs.writeFileSync(file, `${deadPid()}\n`);
    age(file, 60);
    // Another program that flocks its pidfile, e.g. one in another PID namespace.
    // It says "locked" once flock(1) holds the lock, then waits on its stdin.
    const flocker = spawn('sh', ['-c', 'exec 9<"$0"; flock -x 9; echo locked; exec cat', file]);
    assert.equal(await new Promise((r) => flocker.stdout.once('data', (d) => r(String(d)))), 'locked\n');
    try {
      const lock = new pkg.PidLock({ path: file });
      // The JS backend sees it in /proc/locks (this test runs in the initial PID namespace).
      assert.equal(lock.tryAcquire(), false);
      assert.deepEqual(lock.owner(), { pid: Number(fs.readFileSync(file, 'latin1')), alive: true, stale: false });
    } finally {
      flocker.kill('SIGKILL');
    }
    await new Promise((r) => flocker.once('exit', r));
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), true, 'stale once the kernel lock is gone');
  },
);

test('removeStaleLock removes only stale locks', async () => {
  const dir = tmpDir();
  const stale = path.join(dir, 'stale.pid');
  fs.writeFileSync(stale, `${deadPid()}\n`);
  assert.equal(pkg.removeStaleLock(stale), true);
  assert.equal(fs.existsSync(stale), false);
  assert.equal(pkg.removeStaleLock(path.join(dir, 'missing.pid')), true);
  const live = path.join(dir, 'live.pid');
  const holder = startChild(holderScript, [live]);
  await holder.firstLine;
  assert.equal(pkg.removeStaleLock(live), false);
  assert.equal(fs.existsSync(live), true);
  holder.child.kill('SIGKILL');
  await holder.exited;
});

test('lockStatus reports a live holder, a SIGKILLed one and no lock, exactly as `pidlock status --json`, and changes nothing', async () => {
  const dir = tmpDir();
  const file = path.join(dir, '.st_lock_7.pid');
  const cli = (f) => JSON.parse(runChild(path.join(__dirname, '..', '..', 'dist', 'cli.js'), ['status', '--path', f, '--json']).stdout);
  assert.deepEqual(pkg.lockStatus(file), {
    path: file,
    state: 'free',
    pid: null,
    alive: null,
    stale: false,
    reason: 'no lock file',
    origin: null,
    host: null,
  });
  const holder = startChild(holderScript, [file]);
  const pid = Number((await holder.firstLine).split(' ')[1]);
  const held = pkg.lockStatus({ name: 'st', port: 7, dir });
  assert.equal(held.state, 'held');
  assert.equal(held.pid, pid);
  assert.equal(held.alive, true);
  assert.equal(held.stale, false);
  assert.equal(held.origin, 'here', 'a local lock without a marker was written here');
  assert.equal(held.host, null);
  assert.deepEqual(held, pkg.lockStatus(file), 'a path and { name, port, dir } name the same lock');
  assert.deepEqual(cli(file), held);
  holder.child.kill('SIGKILL');
  await holder.exited;
  const stale = pkg.lockStatus(file);
  assert.deepEqual(
    { state: stale.state, pid: stale.pid, alive: stale.alive, stale: stale.stale },
    { state: 'stale', pid, alive: false, stale: true },
  );
  assert.deepEqual(cli(file), stale);
  assert.equal(fs.readFileSync(file, 'latin1'), `${pid}\n`, 'lockStatus never removes a stale lock');
  const foreign = path.join(dir, 'config.txt');
  fs.writeFileSync(foreign, 'x'.repeat(100));
  assert.throws(() => pkg.lockStatus(foreign), { name: 'PidLockError', code: 'EFTYPE', path: foreign });
  assert.throws(() => pkg.lockStatus({ path: '' }), { code: 'ERR_INVALID_ARG_VALUE' });
});

test(
  'errors that make a decision impossible throw PidLockError with code, path and advice',
  {
    skip:
      process.platform === 'win32' &&
      'Windows reports ENOENT, not ENOTDIR, under a file; Windows cases are in test/backend/windows.test.js',
  },
  () => {
    const dir = tmpDir();
    const cases = [
      [path.join(dir, 'missing-dir', 'x.pid'), 'ENOENT'],
      [path.join(__filename, 'x.pid'), 'ENOTDIR'],
    ];
    fs.mkdirSync(path.join(dir, 'a-dir.pid'));
    cases.push([path.join(dir, 'a-dir.pid'), 'EISDIR']);
    if (process.platform !== 'win32') {
      fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link.pid'));
      cases.push([path.join(dir, 'link.pid'), 'ELOOP']);
    }
    for (const [file, code] of cases) {
      const lock = new pkg.PidLock({ path: file });
      assert.throws(
        () => lock.tryAcquire(),
        (e) => {
          assert.ok(e instanceof pkg.PidLockError, String(e));
          assert.equal(e.code, code);
          assert.equal(e.path, file);
          assert.equal(typeof e.errno, 'number');
          assert.equal(typeof e.syscall, 'string');
          assert.ok(e.message.includes(file) && e.message.length > file.length + 40, 'names the path and says what to do');
          return true;
        },
        code,
      );
    }
    assert.equal(fs.existsSync(path.join(dir, 'target')), false, 'never written through a symlink');
  },
);
