'use strict';
// Cases whose processes choose their own backends (native and JS side by side,
// or a native holder seen by another program): the test process's backend does
// not enter, so they run once.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, fixture, startChild, runChild, deadPid } = require('../helpers');

const holderScript = fixture('holder.js');
const lockIn = (dir = tmpDir()) => path.join(dir, '.t_lock_1.pid');
const sideFiles = (file) => fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(path.basename(file)));

test('many processes racing to break one stale lock: exactly one wins', async () => {
  for (let round = 0; round < 3; round++) {
    const file = lockIn();
    fs.writeFileSync(file, `${deadPid()}\n`);
    // Mixed backends: every other racer is on the JS path.
    const racers = Array.from({ length: 8 }, (_, i) =>
      startChild(fixture('racer.js'), [file], { env: { PIDLOCK_NO_NATIVE: i % 2 ? '1' : '' } }),
    );
    // A barrier: all are loaded and blocked on stdin before any may try.
    assert.deepEqual(
      await Promise.all(racers.map((r) => r.firstLine)),
      racers.map(() => 'ready'),
    );
    for (const r of racers) r.child.stdin.write('go\n');
    const lines = await Promise.all(racers.map((r) => r.nextLine()));
    const winners = lines.filter((l) => l.startsWith('acquired'));
    assert.equal(winners.length, 1, lines.join(', '));
    assert.equal(fs.readFileSync(file, 'latin1'), `${winners[0].split(' ')[1]}\n`);
    for (const r of racers) r.child.stdin.end();
    await Promise.all(racers.map((r) => r.exited));
    assert.deepEqual(sideFiles(file), [], 'no ballots or temp files left');
  }
});

test('native and JS holders exclude each other on one lock', async () => {
  const file = lockIn();
  for (const [first, second] of [
    ['1', ''],
    ['', '1'],
  ]) {
    const a = startChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: first } });
    assert.match(await a.firstLine, /^acquired/);
    const b = runChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: second } });
    assert.match(b.stdout, /^refused/, `${second ? 'js' : 'native'} must be refused by ${first ? 'js' : 'native'}`);
    a.child.kill('SIGKILL');
    await a.exited;
    const c = startChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: second } });
    assert.match(await c.firstLine, /^acquired/, 'and takes over once it died');
    c.child.stdin.write('release\n');
    await c.exited;
  }
});

test(
  'a native holder is visible to flock(1)',
  { skip: process.platform !== 'linux' && 'flock(1) is a util-linux tool (Windows and macOS lack it)' },
  async () => {
    const file = lockIn();
    // The holder is native in both suites: this is about what other programs see.
    const holder = startChild(holderScript, [file], { env: { PIDLOCK_NO_NATIVE: '' } });
    await holder.firstLine;
    assert.equal(spawnSync('flock', ['-n', file, 'true']).status, 1, 'flock -n must see the lock as held');
    holder.child.kill('SIGKILL');
    await holder.exited;
    assert.equal(spawnSync('flock', ['-n', file, 'true']).status, 0, 'a dead holder holds no kernel lock');
  },
);
