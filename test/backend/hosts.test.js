'use strict';
// One lock directory, two simulated hosts (test/hosts.js: each its own
// hostname, boot id and PID namespace), sharing the directory directly and
// through a FUSE mount per host. A PID written on one host means nothing on
// the other: host B must never judge host A's lock by B's processes, whether
// A's PID is absent on B, belongs to an unrelated process there, or is B's
// contender's very own PID.
const test = require('node:test');
const assert = require('node:assert/strict');
const { once } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, checkBackend, fixture, sleep } = require('../helpers');
const { needHosts, startHosts } = require('../hosts');

const proc = fixture('host-proc.js');
// PIDLOCK_PKG, as for the fixtures: the package under test (another build, to compare).
const cli = path.join(process.env.PIDLOCK_PKG || root, 'dist', 'cli.js');
// Given to host A's holders; host B's processes get small PIDs of their fresh namespace unless told otherwise.
const HOLDER_PID = 4242;
// Past the library's 1 s start-time margin, so a process started after it is provably younger than the lock.
const PAST_START_MARGIN_MS = 1300;
const VIAS = [
  ['dir', 'a plain shared directory'],
  ['bindfs', 'per-host FUSE (bindfs) mounts'],
];

/** Starts host-proc.js on `host` and returns its report. */
async function on(host, op, file, opts) {
  const p = host.start(proc, [op, host.path(file)], opts);
  const report = JSON.parse(await p.firstLine);
  // A child that silently fell back to the other backend would prove nothing about this one.
  checkBackend(report.backend, `${op} on ${host.name}`);
  // Not enumerable: reports are printed whole in assertion messages.
  return Object.defineProperty(report, 'proc', { value: p });
}

/** A's holder, as HOLDER_PID of host A. */
async function holdOnA(w, file) {
  const held = await on(w.a, 'hold', file, { pid: HOLDER_PID });
  assert.equal(held.acquired, true, JSON.stringify(held));
  assert.equal(held.pid, HOLDER_PID);
  assert.equal(held.content.split('\n')[0], String(HOLDER_PID), 'the first line stays the bare PID');
  return held;
}

/** A's lock says where it was written: a marker line after the PID (docs/beyond-one-host.md). */
function assertMarked(held) {
  assert.match(
    held.content.split('\n')[1],
    /^@\S+ .*host-a/,
    `a second line marks where the lock was written: ${JSON.stringify(held.content)}`,
  );
}

/**
 * The lock as host B must see A's: held, written on host A, its owner not
 * checkable from B. `kernelHeld`: A's live native holder's kernel lock is
 * visible to B (one kernel, no FUSE in between), which proves it alive.
 */
function assertForeign(status, what, kernelHeld = false) {
  const seen = `${what}: ${JSON.stringify(status)}`;
  assert.equal(status.state, 'held', seen);
  assert.equal(status.pid, HOLDER_PID, seen);
  assert.equal(status.origin, 'other', seen);
  assert.equal(status.host, 'host-a', seen);
  if (kernelHeld) {
    assert.equal(status.alive, true, seen);
  } else {
    assert.equal(status.alive, null, `${seen}: B cannot check A's PID`);
    assert.match(status.reason, /host-a/, `${seen}: the reason names the host`);
  }
}

async function crash(holder) {
  holder.proc.child.stdin.write('crash\n');
  const { code } = await holder.proc.exited;
  assert.notEqual(code, 0, 'the holder died without releasing');
}

async function release(holder) {
  holder.proc.child.stdin.write('release\n');
  assert.equal((await holder.proc.exited).code, 0, holder.proc.stderr());
}

const ARRANGEMENTS = [
  ['absent', 'absent on B'],
  ['reused', 'reused on B by a live process younger than the lock'],
  ['own', "B's contender's own PID"],
];

for (const [via, where] of VIAS) {
  for (const [arrange, pidOnB] of ARRANGEMENTS) {
    test(`${where}: a live holder on A is refused on B when A's PID is ${pidOnB}, and A's second process is refused after`, async (t) => {
      if (!needHosts(t, via)) return;
      const w = await startHosts(t, { via });
      const file = 'job.lock';
      const holder = await holdOnA(w, file);
      let contenderOpts = {};
      if (arrange === 'reused') {
        await sleep(PAST_START_MARGIN_MS);
        const stranger = await on(w.b, 'idle', file, { pid: HOLDER_PID });
        assert.equal(stranger.pid, HOLDER_PID, "an unrelated process on B has A's holder's PID");
      } else if (arrange === 'own') {
        contenderOpts = { pid: HOLDER_PID };
      }
      const b = await on(w.b, 'hold', file, contenderOpts);
      if (arrange === 'own') assert.equal(b.pid, HOLDER_PID, "B's contender has A's holder's PID");
      else assert.notEqual(b.pid, HOLDER_PID);
      assert.equal(b.acquired, false, `B took A's live lock: ${JSON.stringify(b)}`);
      assertForeign(b.before, 'B before trying', pkg.backend === 'native' && via === 'dir');
      assert.equal(b.content, holder.content, "B left A's lock file as it was");

      const a2 = await on(w.a, 'hold', file);
      assert.equal(a2.acquired, false, `a second holder on A: ${JSON.stringify(a2)}`);
      assert.equal(a2.before.state, 'held');
      assert.equal(a2.before.alive, true);
      assert.equal(a2.before.origin, 'here');
      assert.equal(a2.content, holder.content);

      await release(holder);
      assert.equal(fs.existsSync(path.join(w.shared, file)), false, 'released: the file is gone');
      assertMarked(holder);
    });
  }

  test(`${where}: a crashed holder on A is taken over on A`, async (t) => {
    if (!needHosts(t, via)) return;
    const w = await startHosts(t, { via });
    const file = 'job.lock';
    await crash(await holdOnA(w, file));
    const a2 = await on(w.a, 'hold', file);
    assert.equal(a2.before.state, 'stale', JSON.stringify(a2.before));
    assert.equal(a2.before.origin, 'here');
    assert.equal(a2.acquired, true, JSON.stringify(a2));
    assert.equal(a2.content.split('\n')[0], String(a2.pid));
    await release(a2);
  });

  test(`${where}: a crashed holder on A is reported on B, not taken, until clean --force`, async (t) => {
    if (!needHosts(t, via)) return;
    const w = await startHosts(t, { via });
    const file = 'job.lock';
    const holder = await holdOnA(w, file);
    await crash(holder);

    assertForeign((await on(w.b, 'status', file)).status, 'status on B');
    const b = await on(w.b, 'hold', file);
    assert.equal(b.acquired, false, `B took A's lock: ${JSON.stringify(b)}`);
    const run = w.b.start(cli, ['run', '--path', w.b.path(file), '--', process.execPath, '-e', '']);
    // 'close', not 'exit': stderr is complete only once its pipe has closed.
    const [runCode] = await once(run.child, 'close');
    assert.equal(runCode, 75, `pidlock run on B: ${run.stderr()}`);
    assert.match(run.stderr(), /held on another host \(host-a\)/);
    const kept = await on(w.b, 'remove', file);
    assert.equal(kept.removed, false, 'removeStaleLock() without force leaves it');
    assert.equal(kept.content, holder.content);

    if (via === 'dir') {
      const forced = await on(w.b, 'force', file);
      assert.equal(forced.removed, true, 'removeStaleLock(path, { force: true }) removes it');
      assert.equal(forced.content, 'ENOENT');
    } else {
      const clean = async (...args) => {
        const p = w.b.start(cli, ['clean', '--json', ...args, '--path', w.b.path(file)]);
        const out = JSON.parse(await p.firstLine);
        return { out, code: (await p.exited).code, err: p.stderr() };
      };
      const plain = await clean();
      assert.equal(plain.code, 1, `pidlock clean keeps it: ${JSON.stringify(plain)}`);
      assert.equal(plain.out.action, 'kept');
      const forced = await clean('--force');
      assert.equal(forced.code, 0, `pidlock clean --force removes it: ${JSON.stringify(forced)}`);
      assert.equal(forced.out.action, 'removed');
      assert.equal(fs.existsSync(path.join(w.shared, file)), false);
    }
    const after = await on(w.b, 'hold', file);
    assert.equal(after.acquired, true, JSON.stringify(after));
    await release(after);
  });
}

/** si-app.js on `host`, lock dir as the host sees it; resolves with its final report. */
async function singleInstance(host) {
  const app = host.start(fixture('si-app.js'), [], { env: { SI_DIR: host.dir, SI_NAME: 'si-hosts', SI_TIMEOUT: String(SI_TIMEOUT_MS) } });
  assert.equal(JSON.parse(await app.firstLine).role, 'starting');
  return Object.defineProperty(JSON.parse(await app.nextLine()), 'proc', { value: app });
}
// Long, so that reporting at once is told apart from giving up at the timeout even on a loaded machine.
const SI_TIMEOUT_MS = 60_000;

test('per-host FUSE (bindfs) mounts: requestSingleInstance on B reports the first instance on host A at once', async (t) => {
  if (!needHosts(t, 'bindfs')) return;
  const w = await startHosts(t, { via: 'bindfs' });
  const primary = await singleInstance(w.a);
  assert.equal(primary.role, 'primary', JSON.stringify(primary));
  const started = Date.now();
  const second = await singleInstance(w.b);
  const took = Date.now() - started;
  assert.equal(second.role, 'error', `B: ${JSON.stringify(second)}`);
  assert.equal(second.code, 'ERR_SINGLE_INSTANCE_OTHER_HOST', second.message);
  assert.match(second.message, /host-a/, 'the message names the host');
  assert.ok(took < SI_TIMEOUT_MS / 2, `reported after ${took} ms, not at the timeout`);
  primary.proc.child.stdin.write('close\n');
  assert.equal((await primary.proc.exited).code, 0);
});

test('a plain shared directory: a first instance on host A whose socket B can reach still answers B', async (t) => {
  if (!needHosts(t, 'dir')) return;
  const w = await startHosts(t, { via: 'dir' });
  const primary = await singleInstance(w.a);
  assert.equal(primary.role, 'primary', JSON.stringify(primary));
  const second = await singleInstance(w.b);
  assert.equal(second.role, 'secondary', `B: ${JSON.stringify(second)}`);
  assert.equal(second.primaryPid, primary.pid);
  primary.proc.child.stdin.write('close\n');
  assert.equal((await primary.proc.exited).code, 0);
});
