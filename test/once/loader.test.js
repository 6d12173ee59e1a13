'use strict';
// The addon loader seen from outside, with real processes: which backend a
// process ends up with, and what it is told when the addon does not load.
// PIDLOCK_REQUIRE_NATIVE=1 / requireNative() turn a silent JS fallback into an
// error that carries the load error and the fix.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, tmpDir, runChild } = require('../helpers');

/** Loads the package in a fresh process with `env`; what it saw, as JSON. */
function load(env, after = '') {
  const dir = tmpDir();
  const script = path.join(dir, 'load.js');
  fs.writeFileSync(
    script,
    `let out;
    try {
      const pkg = require(${JSON.stringify(root)});
      ${after}
      out = { backend: pkg.backend, loadError: pkg.loadError && { code: pkg.loadError.code, message: pkg.loadError.message } };
    } catch (err) {
      out = { threw: { code: err.code, message: err.message } };
    }
    process.stdout.write(JSON.stringify(out));`,
  );
  // The suite's own backend choice must not leak into these children.
  const r = runChild(script, [], { env: { PIDLOCK_NO_NATIVE: '', PIDLOCK_EXPECT_BACKEND: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const missing = path.join(tmpDir(), 'no-such-addon.node');

test('an addon that cannot be found: the JS backend, and a loadError that names the file and the fix', () => {
  const r = load({ PIDLOCK_NATIVE_PATH: missing });
  assert.equal(r.backend, 'js');
  assert.match(r.loadError.message, new RegExp(`PIDLOCK_NATIVE_PATH=${missing.replace(/[\\.]/g, '\\$&')}`));
  assert.match(r.loadError.message, /Copy node_modules\/pidlock-native\/prebuilds\/ .* mark pidlock-native as external/, 'the fix');
});

test('a file that is not an addon: the JS backend, and the dlopen error code', () => {
  const bogus = path.join(tmpDir(), 'bogus.node');
  fs.writeFileSync(bogus, 'not a shared object');
  const r = load({ PIDLOCK_NATIVE_PATH: bogus });
  assert.equal(r.backend, 'js');
  assert.equal(r.loadError.code, 'ERR_DLOPEN_FAILED');
});

test('PIDLOCK_REQUIRE_NATIVE=1: a failed load throws PIDLOCK_NATIVE_REQUIRED with the load error in it', () => {
  const r = load({ PIDLOCK_NATIVE_PATH: missing, PIDLOCK_REQUIRE_NATIVE: '1' });
  assert.equal(r.threw.code, 'PIDLOCK_NATIVE_REQUIRED');
  assert.match(r.threw.message, /the native backend is required/);
  assert.ok(r.threw.message.includes(missing), r.threw.message);
  const forced = load({ PIDLOCK_NO_NATIVE: '1', PIDLOCK_REQUIRE_NATIVE: '1' });
  assert.equal(forced.threw.code, 'PIDLOCK_NATIVE_REQUIRED');
});

test('requireNative(): silent with the addon loaded, PIDLOCK_NATIVE_REQUIRED on the JS backend', () => {
  assert.deepEqual(load({}, 'pkg.requireNative();'), { backend: 'native' });
  const r = load({ PIDLOCK_NO_NATIVE: '1' }, 'pkg.requireNative();');
  assert.equal(r.threw.code, 'PIDLOCK_NATIVE_REQUIRED');
});
