'use strict';
// What this package interoperates with, each shown with the real program:
// the original Python mixin, flock(1), lockfile-progs --use-pid and
// start-stop-daemon --pidfile. README "Interoperability" lists the same.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startProgram, startChild, runChild } = require('../helpers');

/** flock(1) is util-linux, lockfile-progs and start-stop-daemon are Debian's: Linux tools. */
const linuxTools = process.platform !== 'linux' && 'util-linux, lockfile-progs and dpkg tools (Linux)';

/** Runs a program to its end. */
function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000 });
  assert.ok(!r.error, `${cmd}: ${r.error?.message}`);
  return r;
}

const python = (dir, mode, port = '8080') => startProgram('python3', [fixture('mixin.py'), dir, 'phologtolabstreaminglayer', port, mode]);
/** The Node app on this package's mixin (test/fixtures/singleton-app.js): one JSON report. */
const nodeApp = (dir, port = '8080') => JSON.parse(runChild(fixture('singleton-app.js'), [dir, port]).stdout);

test(
  'the original Python mixin and this package exclude each other, both ways, and take over from a killed holder',
  {
    // On Windows signal 0 is CTRL_C_EVENT: os.kill(pid, 0) sends a Ctrl-C to a process
    // group, or calls TerminateProcess: the design's check can end the holder it asks about.
    skip: process.platform === 'win32' && "the design's os.kill(pid, 0) is a Ctrl-C or a kill on Windows, not a check",
  },
  async (t) => {
    const dir = tmpDir();
    // Node holds: Python sees it running and is refused.
    const node = startChild(fixture('singleton-app.js'), [dir, '8080', 'hold']);
    t.after(() => node.child.kill('SIGKILL'));
    assert.equal(JSON.parse(await node.firstLine).acquired, true);
    assert.equal(await python(dir, 'check').firstLine, 'running');
    assert.match(await python(dir, 'hold').firstLine, /^refused /);
    node.child.kill('SIGKILL');
    await node.exited;
    // Node died holding it: Python takes it over, and then Node is refused.
    const py = python(dir, 'hold');
    assert.equal(await py.firstLine, `acquired ${py.child.pid}`);
    const refused = nodeApp(dir);
    assert.equal(refused.acquired, false);
    assert.equal(refused.runningBefore, true);
    // Python died holding it (its file has no newline): Node takes it over.
    py.child.kill('SIGKILL');
    await py.exited;
    assert.equal(nodeApp(dir).acquired, true);
    // A clean Python release leaves nothing behind for Node either.
    const py2 = python(dir, 'hold');
    assert.match(await py2.firstLine, /^acquired /);
    py2.child.stdin.write('\n');
    await py2.exited;
    assert.equal(fs.readdirSync(dir).length, 0);
  },
);

test('flock -n (util-linux): refused while this package holds the lock, and its holder refuses us', { skip: linuxTools }, async () => {
  const file = path.join(tmpDir(), 'job.pid');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.tryAcquire(), true);
  assert.equal(sh('flock', ['-n', file, 'true']).status, 1, 'flock -n is refused');
  assert.equal(lock.release(), true);
  // flock(1) holding the file (empty, as it creates it): a live holder for us.
  const held = startProgram('flock', ['-n', file, 'sh', '-c', 'echo locked; exec sleep 60']);
  assert.equal(await held.firstLine, 'locked');
  assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false);
  assert.equal(pkg.lockStatus(file).state, 'held');
  if (process.platform === 'linux') {
    // The JS backend sees the flock through /proc/locks.
    const js = runChild(fixture('holder.js'), [file], { env: { PIDLOCK_NO_NATIVE: '1' } });
    assert.match(js.stdout, /^refused /, `a JS-backend contender is refused: ${js.stdout} ${js.stderr}`);
  }
});

test(
  'lockfile-progs --use-pid: our lock is valid to lockfile-check and refused by lockfile-create; its lock refuses us until its owner dies',
  { skip: linuxTools },
  async () => {
    const file = path.join(tmpDir(), 'job.pid');
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), true);
    assert.equal(sh('lockfile-check', ['--use-pid', '--lock-name', file]).status, 0, 'a valid lock');
    const create = sh('lockfile-create', ['--use-pid', '--retry', '0', '--lock-name', file]);
    assert.notEqual(create.status, 0, 'lockfile-create is refused');
    assert.equal(fs.readFileSync(file, 'latin1'), `${process.pid}\n`);
    assert.equal(lock.release(), true);
    assert.notEqual(sh('lockfile-check', ['--use-pid', '--lock-name', file]).status, 0, 'no lock after release');
    // --use-pid writes the PID of lockfile-create's parent: this shell, which then stays.
    const holder = startProgram('sh', ['-c', 'lockfile-create --use-pid --lock-name "$0" && echo locked && exec sleep 60', file]);
    assert.equal(await holder.firstLine, 'locked');
    const theirs = new pkg.PidLock({ path: file });
    assert.equal(theirs.tryAcquire(), false);
    assert.equal(theirs.owner().pid, holder.child.pid);
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.equal(theirs.tryAcquire(), true, 'its owner died: stale');
    theirs.release();
  },
);

test(
  'start-stop-daemon --pidfile (dpkg): --status and --start --test see our holder; its pidfile refuses us',
  { skip: linuxTools },
  async (t) => {
    const file = path.join(tmpDir(), 'daemon.pid');
    const holder = startChild(fixture('holder.js'), [file]);
    t.after(() => holder.child.kill('SIGKILL'));
    assert.match(await holder.firstLine, /^acquired /);
    const ssd = (...args) => sh('start-stop-daemon', ['--pidfile', file, ...args]);
    assert.equal(ssd('--status').status, 0, 'LSB 0: running');
    assert.equal(ssd('--start', '--test', '--startas', '/bin/sleep', '--', '60').status, 1, 'already running: would not start');
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.equal(ssd('--status').status, 1, 'LSB 1: dead, pid file exists');
    fs.unlinkSync(file);
    assert.equal(ssd('--status').status, 3, 'LSB 3: not running');
    // Its own pidfile (--make-pidfile writes "PID\n"): a live holder for us until it stops.
    assert.equal(ssd('--start', '--background', '--make-pidfile', '--startas', '/bin/sleep', '--', '60').status, 0);
    const daemonPid = Number(fs.readFileSync(file, 'latin1'));
    t.after(() => {
      try {
        process.kill(daemonPid, 'SIGKILL');
      } catch {
        // Already stopped.
      }
    });
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false);
    assert.equal(lock.owner().pid, daemonPid);
    assert.equal(ssd('--stop', '--retry', '5', '--remove-pidfile').status, 0);
    assert.equal(lock.tryAcquire(), true);
    lock.release();
  },
);
