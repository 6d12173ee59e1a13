'use strict';
// `pidlock run` killed with SIGKILL (the OOM killer, kill -9, a CI timeout): its
// command inherited the locked descriptor, so the lock stays held while the
// command lives, and a second run does not start a second copy of the job.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { pkg, root, tmpDir, fixture, startChild, runChild, sleep } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');
const BUSY = 75;
// The job: says it runs, then lives until the test ends it with SIGTERM. (Not a
// line on stdin: Node destroys a child's stdin pipe when that child, pidlock, exits.)
const SLEEPER = "console.log('running ' + process.pid); setTimeout(() => {}, 120000);";

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runOnce(dir) {
  return spawnSync(process.execPath, [CLI, 'run', '--name', 'job', '--dir', dir, '--', process.execPath, '-e', ''], {
    encoding: 'utf8',
    timeout: 30000,
  });
}

test(
  'a SIGKILLed `pidlock run` leaves its command holding the lock; it frees when the command exits',
  {
    skip:
      (process.platform === 'win32' && 'Windows: the lock handle is no descriptor a command can inherit (a documented limit)') ||
      (pkg.backend !== 'native' && 'the JS backend holds no kernel lock to hand on (a documented limit)'),
  },
  async (t) => {
    const dir = tmpDir('pidlock-run-');
    const file = path.join(dir, '.job_lock.pid');
    const run = startChild(CLI, ['run', '--name', 'job', '--dir', dir, '--', process.execPath, '-e', SLEEPER]);
    t.after(() => run.child.kill('SIGKILL'));
    const sleeper = Number((await run.firstLine).split(' ')[1]);
    t.after(() => alive(sleeper) && process.kill(sleeper, 'SIGKILL'));
    // Its exit, not its stdio's close: the command keeps pidlock's stdout open.
    const killed = new Promise((resolve) => run.child.once('exit', resolve));
    run.child.kill('SIGKILL');
    await killed;
    assert.ok(alive(sleeper), 'the command outlives pidlock');

    const second = runOnce(dir);
    assert.equal(second.status, BUSY, `a second run is refused while the command lives: ${second.stdout} ${second.stderr}`);
    assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false, 'tryAcquire() is refused too');
    if (process.platform === 'linux') {
      // The JS backend sees the kernel lock through /proc/locks (Linux only).
      const js = runChild(fixture('holder.js'), [file], { env: { PIDLOCK_NO_NATIVE: '1' } });
      assert.match(js.stdout, /^refused /, `a JS-backend contender is refused: ${js.stdout} ${js.stderr}`);
    }

    process.kill(sleeper, 'SIGTERM');
    for (let i = 0; i < 200 && alive(sleeper); i++) await sleep(50);
    assert.equal(alive(sleeper), false, 'the command ended');
    const third = runOnce(dir);
    assert.equal(third.status, 0, `after the command exits the lock is free: ${third.stderr}`);
  },
);
