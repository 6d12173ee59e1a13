'use strict';
// scripts/test.js, the runner behind `npm test`, as a contributor meets it.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { root, tmpDir, runChild } = require('../helpers');

const runner = path.join(root, 'scripts', 'test.js');
// Pure and quick, and runs on every platform (harness.test.js needs sh).
const small = path.join('test', 'unit', 'judge.test.js');
// Under `node --test` this is set, and the runner's children would then report in its binary format.
const plain = { NODE_TEST_CONTEXT: undefined };

test('without a loadable addon, the run fails once, first, saying why and what to install, and runs nothing', () => {
  // An addon that cannot load, as after an install without a compiler.
  const env = {
    PIDLOCK_NATIVE_PATH: path.join(tmpDir(), 'missing.node'),
    PIDLOCK_TEST_BACKENDS: 'native,js',
    PIDLOCK_NO_NATIVE: '',
    ...plain,
  };
  const r = runChild(runner, [small], { env, timeout: 60000 });
  assert.equal(r.status, 1, 'CI must still fail');
  assert.match(r.stderr, /^npm test: the native backend is not available, so no native test can pass; nothing was run\./);
  assert.match(r.stderr, /no native addon for .* loaded/, "the loader's own reason");
  assert.match(r.stderr, /install a C\+\+ compiler, make and Python 3 .*build-essential/s);
  assert.match(r.stderr, /PIDLOCK_TEST_BACKENDS=js npm test/);
  assert.equal(r.stderr.match(/native backend is not available/g).length, 1, 'said once');
  assert.doesNotMatch(r.stdout, /expected backend native|===/, 'no test file ran');
});

test('with only the JS backend asked for, a missing addon stops nothing', () => {
  const env = { PIDLOCK_NATIVE_PATH: path.join(tmpDir(), 'missing.node'), PIDLOCK_TEST_BACKENDS: 'js', PIDLOCK_NO_NATIVE: '', ...plain };
  const r = runChild(runner, [small], { env, timeout: 60000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /js: [1-9]\d* passed, 0 failed/);
});
