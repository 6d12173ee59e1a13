'use strict';
// Windows behaviour: process liveness through process objects, the handle-held
// lock file, and loading the prebuild in a host that is not called node.exe
// (Electron). Runs on Windows and under Wine (scripts/cross/ci.sh).
const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir, firstLine, fixture, startChild, runChild, deadPid, inCI } = require('../helpers');

const skip = process.platform !== 'win32' && 'Windows only (run under Wine by scripts/cross/ci.sh)';
const native = pkg.backend === 'native';
const holderScript = fixture('holder.js');
const winProcs = path.join(__dirname, '..', 'fixtures', 'win', 'build', 'win-procs.exe');
// libuv before 1.49 (Node 20) answers process.kill(pid, 0) from the exit code alone
// (libuv#4300), so the JS path reads a process that exited with 259 as alive while
// someone holds its handle. That errs on the safe side (the lock stays held until
// the handle closes); the native backend and Node 22+ answer right.
const [uvMajor, uvMinor] = process.versions.uv.split('.').map(Number);
const exit259 =
  !native &&
  uvMajor === 1 &&
  uvMinor < 49 &&
  `JS path on libuv ${process.versions.uv} (< 1.49): process.kill(pid, 0) reads exit code 259 as alive (libuv#4300)`;

/** The C helper for process states node cannot make; CI must have built it. */
function needWinProcs(t) {
  if (fs.existsSync(winProcs)) return true;
  const why = `${winProcs} is missing: run scripts/cross/build-win-fixtures.sh (or gcc test/fixtures/win/win-procs.c)`;
  if (inCI) assert.fail(why);
  t.skip(`NEEDS BUILD: ${why}`);
  return false;
}

/** Starts win-procs and resolves with the numbers on its first line. */
async function winProcsLine(args) {
  const child = spawn(winProcs, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await firstLine(child, `win-procs ${args.join(' ')}`);
  return { child, numbers: line.trim().split(' ').map(Number) };
}

async function finish(child) {
  const exited = new Promise((r) => child.once('exit', r));
  child.stdin.end();
  return exited;
}

describe('Windows', { skip }, () => {
  test('own PID is alive', () => {
    assert.equal(pkg.isProcessAlive(process.pid), true);
  });

  test('a PID no process has is dead', () => {
    assert.equal(pkg.isProcessAlive(deadPid()), false);
  });

  test('a child that exited with code 259 (STILL_ACTIVE) is dead while its handle is held', { skip: exit259 }, async (t) => {
    if (!needWinProcs(t)) return;
    const {
      child,
      numbers: [pid, code],
    } = await winProcsLine(['hold', '259']);
    try {
      assert.equal(code, 259, 'the fixture child must really have exited with STILL_ACTIVE');
      assert.equal(pkg.isProcessAlive(pid), false);
      assert.equal(pkg.getProcessStartTime(pid), null);
    } finally {
      await finish(child);
    }
  });

  test('an exited child whose handle the parent still holds is dead', async (t) => {
    if (!needWinProcs(t)) return;
    const {
      child,
      numbers: [pid, code],
    } = await winProcsLine(['hold', '3']);
    try {
      assert.equal(code, 3);
      assert.equal(pkg.isProcessAlive(pid), false);
    } finally {
      await finish(child);
    }
  });

  test('a lock naming an exited child whose handle is held is stale and taken over', { skip: exit259 }, async (t) => {
    if (!needWinProcs(t)) return;
    const {
      child,
      numbers: [pid],
    } = await winProcsLine(['hold', '259']);
    try {
      const file = path.join(tmpDir(), 'held-exit.pid');
      fs.writeFileSync(file, `${pid}\n`);
      const lock = new pkg.PidLock({ path: file });
      assert.deepEqual(lock.owner(), { pid, alive: false, stale: true });
      assert.equal(lock.tryAcquire(), true);
      lock.release();
    } finally {
      await finish(child);
    }
  });

  test(
    "getProcessStartTime matches the child's real start time within a second",
    { skip: !native && 'the JS path has no start time on Windows' },
    async (t) => {
      if (!needWinProcs(t)) return;
      const {
        child,
        numbers: [selfNow, pid],
      } = await winProcsLine(['now']);
      try {
        const start = pkg.getProcessStartTime(pid);
        assert.equal(typeof start, 'number');
        // The child read its clock first thing in main(), just after it was created.
        assert.ok(start <= selfNow + 50, `created at ${start}, after its own first clock reading ${selfNow}`);
        assert.ok(selfNow - start < 1000, `created at ${start}, but first ran at ${selfNow}`);
      } finally {
        await finish(child);
      }
      assert.equal(pkg.getProcessStartTime(pid), null, 'no start time once it exited');
    },
  );

  test('exclusive create refuses an existing file and leaves it untouched', () => {
    const { selected } = require(path.join(root, 'dist', 'internal.js'));
    const file = path.join(tmpDir(), 'exists.pid');
    fs.writeFileSync(file, 'someone else\n');
    assert.throws(() => selected.backend.publish(file, `${process.pid}\n`), { code: 'EEXIST' });
    assert.equal(fs.readFileSync(file, 'latin1'), 'someone else\n');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['exists.pid'], 'no temp file left');
  });

  test("a live native holder's lock file cannot be deleted or rewritten by another process", async () => {
    const file = path.join(tmpDir(), 'held.pid');
    // Native in both suites: the kernel-held lock is the native backend's.
    const holder = startChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: '' } });
    const [word, pid, backend] = (await holder.firstLine).split(' ');
    try {
      assert.equal(word, 'acquired');
      assert.equal(backend, 'native', 'the holder must be on the native backend');
      assert.throws(
        () => fs.unlinkSync(file),
        (e) => ['EBUSY', 'EPERM'].includes(e.code),
        'unlink from this process',
      );
      const other = runChild(holderScript, [file]);
      assert.match(other.stdout, /^refused /);
      const r = spawnSync(
        process.execPath,
        [
          '-e',
          `
        try { require('fs').unlinkSync(${JSON.stringify(file)}); console.log('deleted'); }
        catch (e) { console.log(e.code); }`,
        ],
        { encoding: 'utf8' },
      );
      assert.match(r.stdout.trim(), /^(EBUSY|EPERM)$/, 'unlink from another process');
      assert.throws(
        () => fs.writeFileSync(file, '1\n'),
        (e) => ['EBUSY', 'EPERM', 'EACCES'].includes(e.code),
        'rewrite',
      );
      assert.equal(fs.readFileSync(file, 'latin1'), `${pid}\n`);
      assert.equal(pkg.removeStaleLock(file), false);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
    // The OS closed the dead holder's handle: the file is an ordinary stale lock now.
    const lock = new pkg.PidLock({ path: file });
    assert.deepEqual(lock.owner(), { pid: Number(pid), alive: false, stale: true });
    assert.equal(lock.tryAcquire(), true);
    assert.equal(lock.release(), true);
    assert.equal(fs.existsSync(file), false);
  });

  test('the lock is released when the holder exits normally, keeping its exit code', async () => {
    const file = path.join(tmpDir(), 'exit.pid');
    const child = startChild(fixture('exit-holder.js'), [file, 'exit']);
    assert.match(await child.firstLine, /^acquired/);
    assert.equal((await child.exited).code, 7);
    assert.equal(fs.existsSync(file), false);
  });

  test("lock paths that cannot work throw PidLockError with Windows' codes", () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, 'a-dir.pid'));
    const cases = [
      [path.join(dir, 'missing-dir', 'x.pid'), 'ENOENT'],
      // Windows has no ENOTDIR for a path under a file: the path is just not found.
      [path.join(__filename, 'x.pid'), 'ENOENT'],
      [path.join(dir, 'a-dir.pid'), 'EISDIR'],
    ];
    for (const [file, code] of cases) {
      assert.throws(
        () => new pkg.PidLock({ path: file }).tryAcquire(),
        (e) => {
          assert.ok(e instanceof pkg.PidLockError, String(e));
          assert.equal(e.code, code);
          assert.equal(e.path, file);
          return true;
        },
        file,
      );
    }
  });

  for (const host of ['electron.exe', 'MyApp.exe']) {
    test(`the prebuild loads and works in a host called ${host}`, () => {
      // A copy, not a link: the module name Windows binds imports against is the file's own.
      const exe = path.join(tmpDir(), host);
      fs.copyFileSync(process.execPath, exe);
      const file = path.join(path.dirname(exe), 'host.pid');
      const r = spawnSync(
        exe,
        [
          '-e',
          `
        const pkg = require(${JSON.stringify(root)});
        const lock = new pkg.PidLock({ path: ${JSON.stringify(file)} });
        const took = lock.tryAcquire();
        const content = require('fs').readFileSync(${JSON.stringify(file)}, 'latin1');
        console.log(JSON.stringify({
          exe: require('path').basename(process.execPath), backend: pkg.backend,
          loadError: String(pkg.loadError), took, mine: content === process.pid + '\\n',
          alive: pkg.isProcessAlive(process.pid), started: typeof pkg.getProcessStartTime(process.pid),
          released: lock.release(),
        }));`,
        ],
        { encoding: 'utf8', env: { ...process.env, PIDLOCK_NO_NATIVE: '', PREBUILDS_ONLY: '1' } },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        exe: host,
        backend: 'native',
        loadError: 'undefined',
        took: true,
        mine: true,
        alive: true,
        started: 'number',
        released: true,
      });
      assert.equal(fs.existsSync(file), false);
    });
  }
});
