'use strict';
// A directory that has filled up, gone read-only or is closed
// to this user says nothing about the lock in it. A second process facing a
// live first instance there must hear "held" from every entry point; only with
// no live holder does the publish error surface (PidLockError, the singleton's
// fail-open warning, `pidlock run` exit 71).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { checkBackend, root, tmpDir, fixture, startChild, runChild, needRoot, stagePackage } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');
const NAME = 'fd';
const PORT = '1';
const NOBODY = 65534;
const lockIn = (dir) => path.join(dir, `.${NAME}_lock_${PORT}.pid`);

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** A 64 kB tmpfs, unmounted when the test ends. */
function tinyFs(t) {
  const dir = path.join(tmpDir('pidlock-fulldisk-'), 'fs');
  fs.mkdirSync(dir);
  sh('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=1777', 'tmpfs', dir]);
  t.after(() => spawnSync('umount', ['-l', dir]));
  return dir;
}

function fill(dir) {
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(4096, 1));
  } catch (err) {
    assert.equal(err.code, 'ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
  // Proof that the directory is full: even a PID does not fit any more.
  assert.throws(() => fs.writeFileSync(path.join(dir, 'probe'), '1\n'), { code: 'ENOSPC' });
  fs.rmSync(path.join(dir, 'probe'), { force: true });
}

async function holder(t, dir) {
  const h = startChild(fixture('holder.js'), [lockIn(dir)]);
  t.after(() => h.child.kill('SIGKILL'));
  assert.match(await h.firstLine, /^acquired /);
  return h;
}

function look(dir, uid) {
  const script = uid === undefined ? fixture('look-check.js') : stagePackage().fixture('look-check.js');
  const env = uid === undefined ? {} : { PIDLOCK_PKG: stagePackage().root };
  const r = runChild(script, [dir, NAME, PORT], { uid, env });
  assert.equal(r.status, 0, `look-check crashed: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  checkBackend(out.backend, 'the checker');
  return out;
}

function runExit(dir, uid) {
  const argv = [CLI, 'run', '--path', lockIn(dir), '--wait', '0', '--', process.execPath, '-e', '0'];
  const staged = uid === undefined ? null : stagePackage();
  const cmd = staged
    ? [
        'setpriv',
        `--reuid=${uid}`,
        `--regid=${uid}`,
        '--clear-groups',
        process.execPath,
        path.join(staged.root, 'dist', 'cli.js'),
        ...argv.slice(1),
      ]
    : [process.execPath, ...argv];
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 20000 });
  assert.equal(r.signal, null, r.stderr);
  return r;
}

function assertHeld(out, what) {
  for (const k of ['tryAcquire', 'tryAgain', 'acquireSync', 'acquire']) {
    assert.deepEqual(out[k], { value: false }, `${what}: ${k} must be refused (a live holder), got ${JSON.stringify(out[k])}`);
  }
  assert.deepEqual(out.isInstanceRunning, { value: true }, `${what}: isInstanceRunning`);
  assert.deepEqual(out.singleton, { value: false }, `${what}: acquireSingletonLock must say "another instance runs"`);
  assert.deepEqual(out.removeStaleLock, { value: false }, `${what}: removeStaleLock`);
  assert.deepEqual(out.warnings, [], `${what}: no warning for a plain "held"`);
}

function assertNoHolder(out, code, what) {
  for (const k of ['tryAcquire', 'tryAgain', 'acquireSync', 'acquire']) {
    assert.equal(out[k].error?.name, 'PidLockError', `${what}: ${k} must surface the error, got ${JSON.stringify(out[k])}`);
    assert.equal(out[k].error.code, code, `${what}: ${k}: ${out[k].error.message}`);
  }
  assert.deepEqual(out.singleton, { value: true }, `${what}: the singleton fails open`);
  assert.ok(out.warnings.includes('PIDLOCK_UNAVAILABLE'), `${what}: warnings ${out.warnings}`);
}

test('a live holder in a directory that filled up, then went read-only, is still "held" everywhere', async (t) => {
  if (!needRoot(t)) return;
  const dir = tinyFs(t);
  const h = await holder(t, dir);
  const content = fs.readFileSync(lockIn(dir), 'utf8');

  fill(dir);
  assertHeld(look(dir), 'full');
  let r = runExit(dir);
  assert.equal(r.status, 75, `full: pidlock run --wait 0 must exit 75 (busy): ${r.stderr}`);

  // The holder's open descriptor keeps the mount from going read-only, so the
  // second process sees the same directory through a read-only bind mount.
  const ro = path.join(path.dirname(dir), 'ro');
  fs.mkdirSync(ro);
  sh('mount', ['--bind', dir, ro]);
  t.after(() => spawnSync('umount', ['-l', ro]));
  sh('mount', ['-o', 'remount,bind,ro', ro]);
  assert.throws(() => fs.writeFileSync(path.join(ro, 'probe'), ''), { code: 'EROFS' });
  assertHeld(look(ro), 'read-only');
  r = runExit(ro);
  assert.equal(r.status, 75, `read-only: pidlock run --wait 0 must exit 75 (busy): ${r.stderr}`);
  assert.equal(fs.readFileSync(lockIn(dir), 'utf8'), content, "the holder's lock is untouched");

  // The holder dies; its lock stays, and now nobody holds it.
  h.child.kill('SIGKILL');
  await h.exited;
  assertNoHolder(look(ro), 'EROFS', 'read-only, dead holder');
  r = runExit(ro);
  assert.equal(r.status, 71, `read-only, dead holder: exit 71 (cannot lock): ${r.stderr}`);
  assertNoHolder(look(dir), 'ENOSPC', 'full, dead holder');
});

test('a full directory with no lock in it still fails with ENOSPC', async (t) => {
  if (!needRoot(t)) return;
  const dir = tinyFs(t);
  fill(dir);
  const out = look(dir);
  assertNoHolder(out, 'ENOSPC', 'full, no lock');
  assert.deepEqual(out.isInstanceRunning, { value: false });
  assert.equal(runExit(dir).status, 71);
  assert.deepEqual(fs.readdirSync(dir), ['filler'], 'no temp file or lock left behind');
});

test('a live holder in a directory this user may not write to (EACCES) is "held" for that user', async (t) => {
  if (!needRoot(t)) return;
  const dir = path.join(tmpDir('pidlock-fulldisk-'), 'closed');
  fs.mkdirSync(dir, { mode: 0o755 });
  const h = await holder(t, dir);
  assertHeld(look(dir, NOBODY), 'closed dir');
  assert.equal(runExit(dir, NOBODY).status, 75, 'closed dir: pidlock run --wait 0 exits 75');
  h.child.kill('SIGKILL');
  await h.exited;
  assertNoHolder(look(dir, NOBODY), 'EACCES', 'closed dir, dead holder');
});
