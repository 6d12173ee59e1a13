'use strict';
// A process's first waiter rehearses the takeover of a dead holder's lock
// (src/rehearsal.ts) so that a real takeover's code is compiled before a holder
// dies. A rehearsal cut short warms nothing, silently, so each policy's must
// reach the end of a takeover; it runs on files in memory, so the directory
// it names must be left as it was.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir } = require('../helpers');
const { rehearseTakeover, selected, DEFAULT_POLICY } = require('../../dist/internal.js');

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
