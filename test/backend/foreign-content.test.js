'use strict';
// Never delete what is not a lock. A file of at most 64 bytes
// without a live PID on its first line can be an abandoned lock write: stale
// after the 1 s grace period. A larger one is someone's data: never deleted,
// PidLockError EFTYPE, `pidlock clean` exit 2, the singleton warns and starts.
// A first line naming a live PID (a multi-line pidfile, as PostgreSQL writes)
// is held by that process whatever follows.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir, fixture, runChild, idleChild, deadPid, sleep } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');
const NAME = 'fc';
const PORT = '1';

function cli(args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20000 });
  assert.ok(!r.error && r.signal === null, `pidlock ${args.join(' ')}: ${r.error ?? r.signal}; ${r.stderr}`);
  return r;
}

function look(dir) {
  const r = runChild(fixture('look-check.js'), [dir, NAME, PORT]);
  assert.equal(r.status, 0, `look-check crashed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function setup() {
  const dir = tmpDir('pidlock-foreign-');
  return { dir, file: path.join(dir, `.${NAME}_lock_${PORT}.pid`) };
}

function age(file, seconds) {
  const t = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, t, t);
}

/** Everything a delete, rewrite or replace would change. */
function identity(file) {
  const st = fs.statSync(file);
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, content: fs.readFileSync(file, 'latin1') };
}

/** A PostgreSQL-style postmaster.pid: the PID, then more lines; over 64 bytes. */
const postgres = (pid) => `${pid}\n/var/lib/postgresql/16/main\n1700000000\n5432\n/var/run/postgresql\n*\n  5432001         0\nready   \n`;

test('pidlock clean on a copy of /etc/passwd refuses (exit 2) and leaves it alone', () => {
  const { dir } = setup();
  const copy = path.join(dir, 'passwd');
  fs.copyFileSync('/etc/passwd', copy);
  age(copy, 60);
  const before = identity(copy);
  assert.ok(before.size > 64);
  const r = cli(['clean', '--path', copy]);
  assert.equal(r.status, 2, `clean must refuse: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /EFTYPE/);
  assert.match(r.stderr, /not a lock file/);
  assert.deepEqual(identity(copy), before, 'clean touched a file that is not a lock');
  const j = cli(['clean', '--path', copy, '--json']);
  assert.equal(j.status, 2);
  assert.equal(JSON.parse(j.stderr).error, 'EFTYPE');
  assert.equal(cli(['status', '--path', copy]).status, 4, 'status cannot call it held, stale or free either: LSB unknown');
  assert.equal(cli(['run', '--path', copy, '--', process.execPath, '-e', '0']).status, 71, 'run: the lock cannot be taken');
  assert.deepEqual(identity(copy), before);
});

test('a file over 64 bytes with no PID: EFTYPE from every entry point, the singleton starts with a warning, never deleted', () => {
  const { dir, file } = setup();
  fs.copyFileSync('/etc/passwd', file);
  age(file, 60);
  const before = identity(file);
  const out = look(dir);
  for (const k of ['tryAcquire', 'tryAgain', 'acquireSync', 'acquire']) {
    assert.equal(out[k].error?.code, 'EFTYPE', `${k}: ${JSON.stringify(out[k])}`);
    assert.equal(out[k].error.name, 'PidLockError');
    assert.equal(out[k].error.path, file);
  }
  assert.deepEqual(out.singleton, { value: true }, 'the singleton fails open');
  assert.deepEqual(out.isInstanceRunning, { value: false });
  assert.deepEqual(out.removeStaleLock, { value: false });
  assert.ok(out.warnings.includes('PIDLOCK_UNAVAILABLE') && out.warnings.includes('PIDLOCK_CHECK_FAILED'), `warnings: ${out.warnings}`);
  assert.deepEqual(identity(file), before, 'a file that is not a lock was changed or deleted');
});

test("a live daemon's multi-line pidfile is held by its first line's PID and never taken", async () => {
  const daemon = await idleChild();
  try {
    for (const content of [postgres(daemon.pid), `${daemon.pid}\n5432\n`]) {
      const { dir, file } = setup();
      fs.writeFileSync(file, content);
      // Older than the grace period, but written after the daemon started, as a daemon writes it.
      await sleep(1100);
      const before = identity(file);
      const out = look(dir);
      for (const k of ['tryAcquire', 'tryAgain', 'acquireSync', 'acquire'])
        assert.deepEqual(out[k], { value: false }, `${content.length} bytes: ${k}`);
      assert.deepEqual(out.isInstanceRunning, { value: true });
      assert.deepEqual(out.singleton, { value: false });
      assert.deepEqual(out.removeStaleLock, { value: false });
      assert.deepEqual(out.warnings, []);
      const r = cli(['clean', '--path', file, '--json']);
      assert.equal(r.status, 1, `clean: held, kept: ${r.stdout}${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stdout), { path: file, action: 'kept', pid: daemon.pid, reason: `owner ${daemon.pid} is running` });
      assert.deepEqual(identity(file), before, "the daemon's pidfile was touched");
    }
  } finally {
    daemon.kill('SIGKILL');
  }
});

test('after its daemon died, a multi-line pidfile up to 64 bytes is stale; a larger one is never deleted', () => {
  const pid = deadPid();
  const small = setup();
  fs.writeFileSync(small.file, `${pid}\n5432\n`);
  age(small.file, 60);
  assert.equal(cli(['clean', '--path', small.file]).status, 0, 'a small stale multi-line lock is removed');
  assert.equal(fs.existsSync(small.file), false);

  const big = setup();
  fs.writeFileSync(big.file, postgres(pid));
  age(big.file, 60);
  const before = identity(big.file);
  const r = cli(['clean', '--path', big.file]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`not running`));
  const lock = new pkg.PidLock({ path: big.file });
  assert.throws(
    () => lock.tryAcquire(),
    (e) => e.name === 'PidLockError' && e.code === 'EFTYPE' && /not a lock file/.test(e.message),
  );
  assert.deepEqual(identity(big.file), before);
});

test('empty, whitespace-only and small garbage files are taken over once older than 1 s', () => {
  for (const content of ['', ' \n\t\n', 'x'.repeat(64), `${deadPid()} and more\n`]) {
    const { file } = setup();
    fs.writeFileSync(file, content);
    // In this process, at once: a child's start-up alone can take over 1 s under emulation.
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false, `${JSON.stringify(content)}: young, a writer may be at work`);
    assert.ok(fs.existsSync(file));
    age(file, 2);
    const r = runChild(fixture('holder.js'), [file], { env: {}, timeout: 20000 });
    // holder.js waits for "release" on stdin; spawnSync gives it an empty stdin, so it exits by itself.
    assert.match(r.stdout, /^acquired /, `${JSON.stringify(content)}: ${r.stdout}${r.stderr}`);
  }
});
