'use strict';
// Judging an owner reads its /proc/<pid>/stat line, whose command name (field
// 2) may hold spaces and ')': the fields are counted after the last ')'. A
// holder with such a name (set through /proc/self/comm) must be judged alive,
// with the start time it has, so its lock stays held.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture } = require('../helpers');

test(
  "an owner whose command name holds spaces and ')' is alive, and its lock held",
  { skip: process.platform !== 'linux' && 'a /proc stat line: Linux only' },
  async (t) => {
    const dir = tmpDir('pidlock-stat-line-');
    const file = path.join(dir, 'owner.lock');
    const holder = spawn(process.execPath, ['-r', fixture('set-comm.js'), fixture('holder.js'), file], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, PIDLOCK_TEST_COMM: 'n) 1 2 ) x' },
    });
    t.after(() => holder.kill('SIGKILL'));
    const line = String(await new Promise((resolve) => holder.stdout.once('data', resolve)));
    assert.match(line, /^acquired /);
    assert.match(
      fs.readFileSync(`/proc/${holder.pid}/stat`, 'latin1'),
      /^\d+ \(n\) 1 2 \) x\) [A-Z] /,
      'the command name as the kernel shows it',
    );

    assert.equal(pkg.isProcessAlive(holder.pid), true);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), false, 'a live owner keeps its lock');
    assert.deepEqual(lock.lastOwner, { pid: holder.pid, alive: true, stale: false });
  },
);
