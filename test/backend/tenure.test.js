'use strict';
// A holder's whole tenure, from publish to release: the kernel lock is there
// throughout, a failed release leaves the lock held (so it can still be
// released), and a terminated worker thread does not wedge its locks.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { pkg, tmpDir, fixture, startChild, runChild, needRoot, stagePackage } = require('../helpers');

const NOBODY = 65534;

/** One tryAcquire() in a fresh process; the lock is released when it exits. `staged`: run that staged copy. */
function tryElsewhere(file, { uid, staged } = {}) {
  const script = staged ? staged.fixture('try-once.js') : fixture('try-once.js');
  const r = runChild(script, [file], { uid, env: staged ? { PIDLOCK_PKG: staged.root } : {} });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).tried === true;
}

function ownDir() {
  const dir = path.join(tmpDir(), 'own');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chownSync(dir, NOBODY, NOBODY);
  return dir;
}

test('a release that fails (its directory made unwritable) keeps the lock held; the retry releases it and another process takes it', async (t) => {
  if (!needRoot(t)) return;
  const staged = stagePackage();
  const dir = ownDir();
  const holder = startChild(staged.fixture('release-retry.js'), [dir, 'retry'], { uid: NOBODY, env: { PIDLOCK_PKG: staged.root } });
  const r = JSON.parse(await holder.firstLine);
  assert.deepEqual(r, { failure: 'EACCES', heldAfterFailure: true, retried: true, heldAfterRetry: false });
  assert.equal(fs.existsSync(path.join(dir, 'app.lock')), false, 'the retried release deleted the lock file');
  // The first process still lives: only a real release lets this one in.
  assert.equal(tryElsewhere(path.join(dir, 'app.lock'), { uid: NOBODY, staged }), true);
  holder.child.stdin.end('bye\n');
  await holder.exited;
});

test('a release that fails is finished by the exit hook once the directory is writable again', async (t) => {
  if (!needRoot(t)) return;
  const staged = stagePackage();
  const dir = ownDir();
  const holder = startChild(staged.fixture('release-retry.js'), [dir, 'exit'], { uid: NOBODY, env: { PIDLOCK_PKG: staged.root } });
  assert.deepEqual(JSON.parse(await holder.firstLine), { failure: 'EACCES', heldAfterFailure: true });
  const { code } = await holder.exited;
  assert.equal(code, 0);
  assert.deepEqual(fs.readdirSync(dir), [], 'the exit hook deleted the lock file');
});

test("a worker terminated while it holds a lock: native releases it at the worker's teardown; JS keeps it until the process exits (documented)", async () => {
  const file = path.join(tmpDir(), 'worker.lock');
  const host = startChild(fixture('worker-holder.js'), [file]);
  const r = JSON.parse(await host.firstLine);
  assert.equal(r.acquired, true);
  if (pkg.backend === 'native') {
    assert.equal(r.exists, false, "the terminated worker's lock file is gone");
    assert.equal(host.child.exitCode, null, 'the host process still runs');
    assert.equal(tryElsewhere(file), true, 'another process takes the lock while the host lives');
  } else {
    // No JS runs in a terminated worker, and nothing else knows what it held.
    assert.equal(tryElsewhere(file), false, 'the JS backend keeps it while the host lives');
    host.child.stdin.end();
    await host.exited;
    assert.equal(tryElsewhere(file), true, 'the host has exited: its lock is stale');
  }
  host.child.stdin.end();
  await host.exited;
});

const CYCLERS = 3;
const PROBERS = 2;
const CYCLE_MS = 3000;
/** Per cycler; the assertion below wants at least 100 tenures in all. */
const MIN_TENURES = 40;

/**
 * The window between a holder's open() and its flock() lasts microseconds, so a
 * probe lands in it only when the holder is preempted there. strace widens it
 * for real: every flock() of the cyclers enters the kernel 3 ms late, so the
 * probers reach any file that has a name before the holder's flock does.
 */
function straceAvailable(t) {
  if (spawnSync('strace', ['-V']).status === 0) return true;
  if (process.env.CI) assert.fail('strace is missing; .ci/run installs it');
  t.skip('NEEDS strace: install it to widen the open-to-flock window');
  return false;
}

/** Runs cyclers (flock delayed, plus any `inject`) and probers on one lock directory at once. */
async function cycleWithProbes(dir, inject = []) {
  const file = path.join(dir, 'busy.lock');
  const strace = ['-f', '-o', '/dev/null', '--seccomp-bpf', '-e', 'trace=flock', '-e', 'inject=flock:delay_enter=3000'];
  for (const i of inject) strace.push('-e', `trace=flock,${i.split(':')[0]}`, '-e', `inject=${i}`);
  const cyclers = Array.from({ length: CYCLERS }, () => {
    const c = spawn('strace', [...strace, process.execPath, fixture('tenure-cycler.js'), file, String(CYCLE_MS), String(MIN_TENURES)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`cycler exited ${code}: ${out}`))));
    });
  });
  // The stop file lives outside the probed directory, so probing never sees it.
  const stop = path.join(tmpDir(), 'stop');
  const probers = Array.from({ length: PROBERS }, () => startChild(fixture('prober.js'), [dir, stop, String(CYCLE_MS * 20)]));
  const reports = await Promise.all(cyclers);
  fs.writeFileSync(stop, '');
  const probes = await Promise.all(probers.map((c) => c.firstLine.then(JSON.parse)));
  return { reports, probes };
}

function sum(reports, key) {
  return reports.reduce((n, r) => n + r[key], 0);
}

function assertEveryTenureLocked({ reports, probes }) {
  const tenures = sum(reports, 'tenures');
  assert.ok(tenures >= 100, `only ${tenures} tenures`);
  assert.ok(sum(probes, 'probes') > 1000, 'the probers ran');
  assert.equal(sum(reports, 'unprotected'), 0, `tenures without their kernel lock, of ${tenures}`);
  assert.ok(sum(reports, 'flockChecks') > 0);
  assert.equal(sum(reports, 'flockUnprotected'), 0, 'flock -n got the lock while we held it');
}

const nativeOnly =
  (pkg.backend !== 'native' && 'the JS backend takes no kernel lock') ||
  (process.platform !== 'linux' &&
    'flock(1), strace and O_TMPFILE are Linux tools (Windows holds its lock with a share mode, tested in windows.test.js)');

test('every native tenure holds its exclusive flock, while judges probe the lock directory', { skip: nativeOnly }, async (t) => {
  if (!straceAvailable(t)) return;
  assertEveryTenureLocked(await cycleWithProbes(tmpDir()));
});

test(
  'every native tenure holds its exclusive flock with a named temp file (no usable /proc/self/fd link), while judges probe the temp files',
  {
    skip:
      nativeOnly ||
      (process.arch !== 'x64' && 'link() is linkat() on this architecture, so the injected failure would hit the fallback too'),
  },
  async (t) => {
    if (!straceAvailable(t)) return;
    // linkat() only serves the O_TMPFILE path on x64 (link() is its own syscall there):
    // failing it with ENOENT is what a missing /proc looks like.
    assertEveryTenureLocked(await cycleWithProbes(tmpDir(), ['linkat:error=ENOENT']));
  },
);
