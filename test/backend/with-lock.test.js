'use strict';
// withLock / withLockSync, `using` on PidLock, and lastOwner, against real
// holder processes; `using` as a TypeScript user writes it, compiled by tsc.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, checkBackend, tmpDir, fixture, startChild, runChild, stagePackage } = require('../helpers');

/** A holder process that has the lock; killed when the test ends. */
async function holder(t, file) {
  const h = startChild(fixture('holder.js'), [file]);
  t.after(() => h.child.kill('SIGKILL'));
  assert.match(await h.firstLine, /^acquired /);
  return h;
}

/** What a second process gets now: "acquired" (it then exits, releasing) or "refused". */
function another(file) {
  return runChild(fixture('holder.js'), [file]).stdout.split(' ')[0];
}

/** A link where the filesystem has them; Wine's Z: drive takes none to C:, so a copy there. */
function linkOrCopy(from, to) {
  try {
    fs.symlinkSync(from, to, 'junction');
  } catch {
    fs.cpSync(from, to, { recursive: true });
  }
}

test('using / await using release at the end of the scope, and withLock works, from compiled TypeScript', () => {
  const dir = tmpDir('pidlock-ts-');
  for (const f of ['using.ts', 'tsconfig.json']) fs.copyFileSync(fixture(`ts/${f}`), path.join(dir, f));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  // The package as an installed dependency, and Node's types from the repo.
  linkOrCopy(stagePackage().root, path.join(dir, 'node_modules', 'pidlock-native'));
  linkOrCopy(path.join(root, 'node_modules', '@types'), path.join(dir, 'node_modules', '@types'));
  const tsc = runChild(path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), ['-p', dir], { timeout: 120000 });
  assert.equal(tsc.status, 0, `tsc: ${tsc.stdout}${tsc.stderr}`);
  const file = path.join(dir, 'using.pid');
  const r = runChild(path.join(dir, 'out', 'using.js'), [file, fixture('holder.js')], { timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  checkBackend(report.backend, 'the compiled program');
  assert.deepEqual(report, {
    backend: report.backend,
    acquired: true,
    inScope: 'refused',
    afterScope: 'acquired',
    thrown: 'thrown in scope',
    afterThrow: 'acquired',
    asyncInScope: 'refused',
    afterAsyncScope: 'acquired',
    withLock: 'refused held=true',
    afterWithLock: 'acquired',
    withLockSync: 'refused',
    afterWithLockSync: 'acquired',
    noOwner: null,
  });
  assert.equal(fs.existsSync(file), false);
});

test('withLock returns what fn returns, and releases when fn throws or rejects', async () => {
  const file = path.join(tmpDir(), 'w.pid');
  assert.equal(await pkg.withLock({ path: file }, (lock) => `${lock.held} ${another(file)}`), 'true refused');
  assert.equal(another(file), 'acquired');
  const thrown = new Error('sync throw');
  await assert.rejects(
    pkg.withLock({ path: file }, () => {
      throw thrown;
    }),
    (e) => e === thrown,
  );
  assert.equal(another(file), 'acquired', 'released after a throw');
  await assert.rejects(
    pkg.withLock({ path: file }, async () => {
      await new Promise((r) => setTimeout(r, 10));
      throw new Error('async reject');
    }),
    /async reject/,
  );
  assert.equal(another(file), 'acquired', 'released after a rejection');
  assert.throws(
    () =>
      pkg.withLockSync({ path: file }, () => {
        throw new Error('sync twin');
      }),
    /sync twin/,
  );
  assert.equal(another(file), 'acquired', 'withLockSync released after a throw');
  assert.equal(fs.existsSync(file), false);
});

test('withLock on a lock held to the end of the wait rejects with PIDLOCK_BUSY and the owner; fn never runs', async (t) => {
  const file = path.join(tmpDir(), 'busy.pid');
  const h = await holder(t, file);
  let ran = false;
  const fn = () => (ran = true);
  const check = (e) => {
    assert.ok(e instanceof pkg.LockBusyError, String(e));
    assert.equal(e.code, 'PIDLOCK_BUSY');
    assert.equal(e.path, file);
    assert.deepEqual(e.owner, { pid: h.child.pid, alive: true });
    assert.match(e.message, new RegExp(`held by PID ${h.child.pid} \\(alive: true\\); gave up after \\d+ ms`));
    return true;
  };
  await assert.rejects(pkg.withLock({ path: file }, fn, { timeout: 150 }), check);
  assert.throws(() => pkg.withLockSync({ path: file }, fn, { timeout: 0 }), check);
  assert.equal(ran, false);
  const aborted = AbortSignal.abort(new Error('stop'));
  await assert.rejects(pkg.withLock({ path: file }, fn, { signal: aborted }), { name: 'AbortError' });
  assert.equal(ran, false);
  assert.equal(fs.readFileSync(file, 'utf8'), `${h.child.pid}\n`, "the holder's lock is untouched");
});

test('lastOwner: a refused try tells who holds the lock, without another read; a success clears it', async (t) => {
  const file = path.join(tmpDir(), 'owner.pid');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.lastOwner, null, 'no try yet');
  const h = await holder(t, file);
  assert.equal(lock.tryAcquire(), false);
  assert.deepEqual(lock.lastOwner, { pid: h.child.pid, alive: true, stale: false });
  // The second refusal looks first (the poll path): it still reports the holder.
  assert.equal(lock.tryAcquire(), false);
  assert.deepEqual(lock.lastOwner, { pid: h.child.pid, alive: true, stale: false });
  assert.equal(await lock.acquire({ timeout: 100 }), false);
  assert.equal(lock.lastOwner.pid, h.child.pid, 'acquire() refused: the same');
  h.child.stdin.write('release\n');
  await h.exited;
  assert.equal(lock.tryAcquire(), true);
  assert.equal(lock.lastOwner, null);
  lock.release();
});

test('PidLock[Symbol.dispose] / [Symbol.asyncDispose] release, and are harmless on a lock not held', async () => {
  const file = path.join(tmpDir(), 'dispose.pid');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(typeof Symbol.dispose, 'symbol', 'Node >= 20.4 defines Symbol.dispose');
  lock[Symbol.dispose]();
  assert.equal(lock.tryAcquire(), true);
  assert.equal(another(file), 'refused');
  lock[Symbol.dispose]();
  assert.equal(lock.held, false);
  assert.equal(another(file), 'acquired');
  assert.equal(lock.tryAcquire(), true);
  const p = lock[Symbol.asyncDispose]();
  assert.equal(lock.held, false, 'released at once, not on a later tick');
  assert.equal(await p, undefined);
  assert.equal(fs.existsSync(file), false);
});
