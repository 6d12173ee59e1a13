'use strict';
// A process's first waiter rehearses the takeover of a dead holder's lock
// (src/rehearsal.ts) so that a real takeover's code is compiled before a holder
// dies. A rehearsal cut short warms nothing, silently, so each policy's must
// reach the end of a takeover; it runs on files in memory, so the directory
// it names must be left as it was. The tenure rehearsal (the publish that
// succeeds, release()) must end with nothing registered.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir } = require('../helpers');
const { rehearseTakeover, rehearseTenure, holdsAny, PidLock, selected, DEFAULT_POLICY } = require('../../dist/internal.js');

const POLICIES = {
  default: DEFAULT_POLICY,
  'a marker always': { ...DEFAULT_POLICY, origin: 'always' },
  'a lease': { ...DEFAULT_POLICY, origin: 'always', leaseMs: 30000 },
  'single host': { ...DEFAULT_POLICY, singleHost: true },
};

for (const [name, policy] of Object.entries(POLICIES)) {
  test(`the rehearsal runs a whole takeover (${name}) and writes nothing`, () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), '');
    const result = rehearseTakeover(selected.backend, path.join(dir, 'app.pid'), policy);
    assert.equal(result, 'broken', result instanceof Error ? result.stack : `breakStale said ${result}`);
    assert.deepEqual(fs.readdirSync(dir), ['unrelated.txt']);
  });
}

test('the rehearsal runs a whole tenure (publish, registry, release) in memory and leaves nothing held or written', () => {
  const dir = tmpDir();
  const file = path.join(dir, 'app.pid');
  const made = [];
  const result = rehearseTenure(selected.backend, (memory) => {
    const lock = new PidLock({ path: file }, memory);
    made.push(lock);
    return lock;
  });
  assert.equal(result, true, result instanceof Error ? result.stack : 'tryAcquire() or release() said false');
  assert.equal(made.length, 1);
  assert.equal(made[0].held, false);
  assert.equal(holdsAny(), false, 'the memory lock is still registered');
  assert.deepEqual(fs.readdirSync(dir), []);
  // The process's real locks are untouched by it: a real one taken before it is still held after.
  const real = new PidLock({ path: path.join(dir, 'real.pid') });
  assert.equal(real.tryAcquire(), true);
  assert.equal(
    rehearseTenure(selected.backend, (memory) => new PidLock({ path: file }, memory)),
    true,
  );
  assert.equal(real.held, true);
  assert.equal(holdsAny(), true);
  assert.equal(real.release(), true);
  assert.deepEqual(fs.readdirSync(dir), []);
});
