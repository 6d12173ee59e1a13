'use strict';
// Real PID reuse, not a simulation: inside a fresh PID namespace the test
// picks the next PID (ns_last_pid), so a dead holder's PID really is handed to
// another process, and the lock must be judged by who that process is.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const { checkBackend, tmpDir, fixture, needRoot } = require('../helpers');

function inNamespace(scenario) {
  const dir = tmpDir('pidlock-reuse-');
  // --mount-proc: /proc must show this namespace's PIDs, or liveness checks would look at the host's.
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, fixture('reuse-ns.js'), scenario, dir], {
    encoding: 'utf8',
    timeout: 30_000,
    env: process.env,
  });
  assert.equal(r.error, undefined, `unshare failed to run: ${r.error}`);
  const line = r.stdout.trim().split('\n').pop() || '{}';
  const out = JSON.parse(line);
  assert.equal(out.error, undefined, `scenario failed inside the namespace: ${out.error}\n${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  checkBackend(out.backend, 'the namespace child');
  return out;
}

test(
  'a dead holder whose PID now belongs to an unrelated live process: stale, taken over',
  { skip: process.platform === 'win32' && 'unshare(1) PID namespaces are Linux-only' },
  (t) => {
    if (!needRoot(t)) return;
    const out = inNamespace('reuse');
    assert.match(out.holderLine, /^acquired /);
    assert.equal(out.strangerPid, out.holderPid, 'the stranger got the dead holder PID');
    assert.equal(out.strangerAlive, true);
    assert.deepEqual(out.owner, { pid: out.holderPid, alive: true, stale: true });
    assert.equal(out.tryAcquire, true);
    assert.equal(out.fileNow, out.nsPid, 'the lock file now names the new holder');
  },
);

test(
  'a live holder older than the start-time margin is never judged stale',
  { skip: process.platform === 'win32' && 'unshare(1) PID namespaces are Linux-only' },
  (t) => {
    if (!needRoot(t)) return;
    const out = inNamespace('live');
    assert.match(out.holderLine, /^acquired /);
    assert.deepEqual(out.owner, { pid: out.holderPid, alive: true, stale: false });
    assert.equal(out.tryAcquire, false);
    assert.equal(out.removeStale, false);
    assert.equal(out.fileStill, out.holderPid, 'the holder lock file is untouched');
  },
);

test(
  'container restart: the new process has the PID its old lock names, and takes it over',
  { skip: process.platform === 'win32' && 'unshare(1) PID namespaces are Linux-only' },
  (t) => {
    if (!needRoot(t)) return;
    const out = inNamespace('restart');
    assert.match(out.holderLine, /^acquired /);
    assert.equal(out.restartPid, out.holderPid);
    assert.equal(out.restartLine, `acquired ${out.holderPid} ${out.backend}`);
    assert.equal(out.fileAfter, false, 'released cleanly afterwards');
  },
);
