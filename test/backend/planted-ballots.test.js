'use strict';
// Break ballots planted by another local user. A ballot's name follows from
// stat(lock), so anyone who can write the lock's directory can create one after
// the lock's owner died, naming a live process that has nothing to do with the
// lock (init, their own shell). A ballot counts only while a live breaker
// really holds it: the victim's stale lock stays breakable, and a real breaker
// still keeps others out. The attacker's files sit in a sticky directory, where
// nobody but root may delete them, so the election has to move past them.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const {
  pkg,
  checkBackend,
  tmpDir,
  needRoot,
  stagePackage,
  startChild,
  runChild,
  idleChild,
  sideFileHolder,
  ballotOf,
  sleep,
} = require('../helpers');

const ATTACKER = 65534;
const VICTIM = 65533; // the lock's owner, whose app crashed and starts again

/** The victim's app holds the lock as VICTIM and is SIGKILLed: a stale lock owned by VICTIM. */
async function crashedLock() {
  const staged = stagePackage();
  const dir = tmpDir();
  const file = path.join(dir, 'app.pid');
  const h = startChild(staged.fixture('holder.js'), [file], { uid: VICTIM, env: { PIDLOCK_PKG: staged.root } });
  assert.match(await h.firstLine, /^acquired /);
  h.child.kill('SIGKILL');
  await h.exited;
  assert.equal(pkg.lockStatus(file).state, 'stale', 'the crashed app left a stale lock');
  return file;
}

/** The attacker creates the ballots of rounds 1, 2, ... naming `pids`, and leaves. */
function plant(file, pids) {
  const ballots = pids.map((_, i) => ballotOf(file, i + 1));
  const r = runChild(stagePackage().fixture('plant-ballots.js'), [JSON.stringify(ballots), JSON.stringify(pids)], { uid: ATTACKER });
  assert.equal(r.status, 0, r.stderr);
  for (const b of ballots) assert.equal(fs.statSync(b).uid, ATTACKER);
  return ballots;
}

/** A live process of the attacker that has nothing open of ours; resolves once it runs as that user. */
async function attackerProcess() {
  const child = spawn('setpriv', [`--reuid=${ATTACKER}`, `--regid=${ATTACKER}`, '--clear-groups', 'sleep', '60'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  for (let i = 0; i < 2000; i++) {
    try {
      if (/^Uid:\s+65534\s/m.test(fs.readFileSync(`/proc/${child.pid}/status`, 'latin1'))) return child;
    } catch {
      // not there yet
    }
    await sleep(5);
  }
  child.kill('SIGKILL');
  throw new Error('the attacker process never ran as its user');
}

/** What the victim's restarted app (as VICTIM) sees and does; `unreadable` is a PID whose fds it must not be able to list. */
function victimTries(file, unreadable) {
  const staged = stagePackage();
  const script = path.join(tmpDir('pidlock-planted-'), 'victim.js');
  fs.writeFileSync(
    script,
    `const fs = require('fs');
    const pkg = require(${JSON.stringify(staged.root)});
    const [file, pid] = process.argv.slice(2);
    let fdList = 'readable';
    try { fs.readdirSync('/proc/' + pid + '/fd'); } catch (e) { fdList = e.code; }
    const state = pkg.lockStatus(file).state;
    const removed = pkg.removeStaleLock(file);
    const lock = new pkg.PidLock({ path: file });
    const acquired = lock.tryAcquire();
    const content = fs.readFileSync(file, 'latin1');
    lock.release();
    process.stdout.write(JSON.stringify({ fdList, state, removed, acquired, mine: content === process.pid + '\\n', backend: pkg.backend }));`,
  );
  fs.chmodSync(script, 0o644);
  const r = runChild(script, [file, String(unreadable)], { uid: VICTIM });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('ballots planted naming init and a live process of the planter do not stop root from breaking the stale lock', async (t) => {
  if (!needRoot(t)) return;
  const file = await crashedLock();
  const sleeper = await attackerProcess();
  try {
    plant(file, [1, sleeper.pid]);
    assert.equal(pkg.lockStatus(file).state, 'stale');
    assert.equal(pkg.removeStaleLock(file), true, 'the planted ballots do not count: nobody holds them');
    assert.equal(fs.existsSync(file), false);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), true);
    lock.release();
  } finally {
    sleeper.kill('SIGKILL');
  }
});

test("the victim itself, unprivileged and unable to list the named processes' descriptors, breaks past ballots it cannot delete", async (t) => {
  if (!needRoot(t)) return;
  const file = await crashedLock();
  // A live root process: VICTIM may not list its descriptors, so only the
  // ballot's owner (ATTACKER, not a user that process runs as) gives it away.
  const stranger = await idleChild();
  try {
    const ballots = plant(file, [1, stranger.pid]);
    const seen = victimTries(file, stranger.pid);
    checkBackend(seen.backend, 'the victim');
    assert.equal(seen.fdList, 'EACCES', 'the victim cannot see which files that process has open');
    assert.deepEqual(
      { state: seen.state, removed: seen.removed, acquired: seen.acquired, mine: seen.mine },
      { state: 'stale', removed: true, acquired: true, mine: true },
    );
    for (const b of ballots) assert.equal(fs.existsSync(b), true, `${path.basename(b)}: not the victim's to delete (sticky directory)`);
  } finally {
    stranger.kill('SIGKILL');
  }
});

test('a real breaker of another user, holding its ballot, still keeps root and the victim out until it dies', async (t) => {
  if (!needRoot(t)) return;
  const file = await crashedLock();
  const breaker = await sideFileHolder(ballotOf(file), '%PID%\n', { uid: ATTACKER });
  assert.equal(fs.statSync(breaker.file).uid, ATTACKER);
  assert.equal(pkg.removeStaleLock(file), false, 'root: the breaker has its ballot open');
  assert.equal(victimTries(file, breaker.pid).removed, false, "the victim: the ballot is its breaker's user's and the breaker is running");
  assert.equal(fs.existsSync(file), true);
  breaker.child.kill('SIGKILL');
  await new Promise((r) => breaker.child.once('exit', r));
  const seen = victimTries(file, 1);
  assert.deepEqual({ removed: seen.removed, acquired: seen.acquired }, { removed: true, acquired: true }, 'the breaker is dead');
});
