'use strict';
// PidLockError as a caller meets it: the cause it keeps, and advice that fits.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pkg, tmpDir } = require('../helpers');

test('a lock error keeps the error it reports as its cause', () => {
  const file = path.join(tmpDir(), 'no-such-dir', 'x.pid');
  let caught;
  try {
    new pkg.PidLock({ path: file }).tryAcquire();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof pkg.PidLockError, String(caught));
  assert.equal(caught.code, 'ENOENT');
  assert.ok(caught.cause instanceof Error, 'the OS error is kept');
  assert.equal(caught.cause.code, 'ENOENT');
});

test("a runtime's permission refusal (Deno's NotCapable, no errno code) is EACCES that says so, with the refusal as cause", () => {
  // The shape Deno throws from node:fs for a path outside --allow-write; the real one is checked under Deno by scripts/runtimes/run.js.
  const refusal = Object.assign(new Error('Requires write access to "/srv/x.pid", run again with the --allow-write flag'), {
    name: 'NotCapable',
  });
  const e = pkg.PidLockError.from(refusal, 'create', '/srv/x.pid');
  assert.equal(e.code, 'EACCES');
  assert.equal(e.cause, refusal);
  assert.match(
    e.message,
    /^EACCES: cannot create lock file '\/srv\/x\.pid' \(Requires write access .*--allow-write flag\): the runtime's permission system refused it/,
  );
  assert.equal(
    pkg.PidLockError.from(Object.assign(new Error('denied'), { name: 'PermissionDenied' }), 'open', '/x').code,
    'EACCES',
    'Deno 1',
  );
});
