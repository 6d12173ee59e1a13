'use strict';
// test/once runs the CLI on one backend; this is the case where the other one
// matters: a CLI on one backend and a holder on the other see the same lock.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, root, tmpDir, fixture, startChild } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');
const envOf = (backend) => ({ ...process.env, PIDLOCK_NO_NATIVE: backend === 'js' ? '1' : '' });
const other = pkg.backend === 'native' ? 'js' : 'native';

function cli(backend, args) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30000, env: envOf(backend) });
  assert.ok(!r.error && r.signal === null, `pidlock ${args.join(' ')}: ${r.error || r.signal}; ${r.stderr}`);
  return r;
}

for (const [holderOn, cliOn] of [
  [pkg.backend, other],
  [other, pkg.backend],
]) {
  test(`a ${holderOn} holder and the CLI on ${cliOn}: status sees it, run waits it out, then takes over its stale lock`, async (t) => {
    const lock = path.join(tmpDir('pidlock-cli-'), '.mixed_lock.pid');
    const h = startChild(fixture('holder.js'), [lock], { env: envOf(holderOn) });
    t.after(() => h.child.kill('SIGKILL'));
    assert.equal(await h.firstLine, `acquired ${h.child.pid} ${holderOn}`);

    const held = cli(cliOn, ['status', '--path', lock, '--json']);
    assert.equal(held.status, 0, held.stderr);
    assert.deepEqual(
      { ...JSON.parse(held.stdout), reason: undefined },
      { path: lock, state: 'held', pid: h.child.pid, alive: true, stale: false, reason: undefined, origin: 'here', host: null },
    );
    const busy = cli(cliOn, ['run', '--path', lock, '--', process.execPath, '-e', '']);
    assert.equal(busy.status, 75, busy.stderr);

    h.child.kill('SIGKILL');
    await h.exited;
    const took = cli(cliOn, ['run', '--path', lock, '--', process.execPath, fixture('lock-reader.js'), lock]);
    assert.equal(took.status, 0, took.stderr);
    const [backend, pid] = took.stdout.trim().split(' ');
    assert.equal(backend, cliOn, "the command inherits the CLI's backend choice");
    assert.notEqual(Number(pid), h.child.pid, 'the stale lock now names the CLI');
    assert.equal(fs.existsSync(lock), false, 'released when the command ended');
  });
}
