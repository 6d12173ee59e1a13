'use strict';
// The addon loader seen from outside, with real processes: which backend a
// process ends up with, and what it is told when the addon does not load.
// PIDLOCK_REQUIRE_NATIVE=1 / requireNative() turn a silent JS fallback into an
// error that carries the load error and the fix.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, tmpDir, runChild, fixture } = require('../helpers');

/** Loads the package (`from`: a path, or a package name found from `dir`) in a fresh process with `env`; what it saw. */
function load(env, { requireNative = false, dir = tmpDir(), from = root } = {}) {
  return run(fixture('load.js'), env, [from, dir, ...(requireNative ? ['requireNative'] : [])]);
}

function run(script, env = {}, args = []) {
  // The suite's own backend choice must not leak into these children.
  const r = runChild(script, args, { env: { PIDLOCK_NO_NATIVE: '', PIDLOCK_EXPECT_BACKEND: '', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** The package as `npm install` leaves it, but with no binary: no build/, no prebuilds/. */
function installWithoutBinary() {
  const app = tmpDir('pidlock-app-');
  const into = path.join(app, 'node_modules', 'pidlock-native');
  for (const rel of ['package.json', 'dist']) fs.cpSync(path.join(root, rel), path.join(into, rel), { recursive: true });
  for (const dep of ['node-gyp-build'])
    fs.cpSync(path.join(root, 'node_modules', dep), path.join(app, 'node_modules', dep), { recursive: true });
  return app;
}

const INSTALL_ADVICE = /install a C\+\+ compiler and Python .* 'npm rebuild pidlock-native'; or use a platform with a prebuild/;
const BUNDLE_RECIPE = /Copy node_modules\/pidlock-native\/prebuilds\/ .* mark pidlock-native as external/;

const missing = path.join(tmpDir(), 'no-such-addon.node');

test('an addon that cannot be found: the JS backend, and a loadError that names the file and the fix', () => {
  const r = load({ PIDLOCK_NATIVE_PATH: missing });
  assert.equal(r.backend, 'js');
  assert.match(r.loadError.message, new RegExp(`PIDLOCK_NATIVE_PATH=${missing.replace(/[\\.]/g, '\\$&')}`));
  assert.match(r.loadError.message, INSTALL_ADVICE, 'the fix, for an installed package');
});

test('an installed package with no binary for this machine: the advice is to build one or use a platform with a prebuild', () => {
  const app = installWithoutBinary();
  const r = load({}, { dir: app, from: 'pidlock-native' });
  assert.equal(r.backend, 'js');
  assert.equal(r.loadError.code, 'PIDLOCK_NO_ADDON');
  assert.match(r.loadError.message, INSTALL_ADVICE);
  assert.match(r.loadError.message, new RegExp(`prebuild for ${process.platform}-${process.arch} is missing|no prebuild for`));
  assert.doesNotMatch(r.loadError.message, /Copy node_modules/, 'a bundler recipe does not fit a plain install');
});

test('a bundle without the copied prebuilds: the advice is the copy recipe', async (t) => {
  let esbuild;
  try {
    esbuild = require('esbuild');
    esbuild.transformSync('');
  } catch (err) {
    // Under Wine the repo's node_modules holds the Linux esbuild binary; the
    // Windows release runners install their own.
    return t.skip(`esbuild cannot run on this platform from this node_modules: ${err.message.split('\n')[0]}`);
  }
  const app = installWithoutBinary();
  fs.copyFileSync(fixture('bundle-entry.js'), path.join(app, 'entry.js'));
  const out = path.join(tmpDir('pidlock-bundle-'), 'app.js');
  await esbuild.build({
    entryPoints: [path.join(app, 'entry.js')],
    bundle: true,
    platform: 'node',
    outfile: out,
    logLevel: 'error',
  });
  const r = run(out);
  assert.equal(r.backend, 'js');
  assert.match(r.loadError.message, BUNDLE_RECIPE);
  assert.doesNotMatch(r.loadError.message, /npm rebuild/, 'an install recipe does not fit a bundle');
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
  assert.deepEqual(load({}, { requireNative: true }), { backend: 'native' });
  const r = load({ PIDLOCK_NO_NATIVE: '1' }, { requireNative: true });
  assert.equal(r.threw.code, 'PIDLOCK_NATIVE_REQUIRED');
});

test('the internal entry loads the very addon the public entry loads, with no PIDLOCK_NATIVE_PATH', () => {
  const r = runChild(fixture('loaded-addons.js'), [], {
    env: { PIDLOCK_NO_NATIVE: '', PIDLOCK_NATIVE_PATH: '', PIDLOCK_EXPECT_BACKEND: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  assert.equal(seen.backend, 'native', 'the public entry');
  assert.equal(seen.internalBackend, 'native', `the internal entry: ${seen.loadError}`);
  assert.ok(path.isAbsolute(seen.addonFile) && fs.existsSync(seen.addonFile), seen.addonFile);
  // Both entries dlopen()ed one file: the process maps exactly one .node, the one the loader names.
  if (seen.mapped !== null) assert.deepEqual(seen.mapped, [fs.realpathSync(seen.addonFile)]);
});

test('require() loads none of the costly built-ins a plain tryAcquire() does not need', () => {
  for (const backend of ['native', 'js']) {
    const file = path.join(tmpDir(), 'cost.pid');
    const env = { PIDLOCK_NO_NATIVE: backend === 'js' ? '1' : '', PIDLOCK_EXPECT_BACKEND: '' };
    const r = runChild(fixture('require-cost.js'), [file], { env });
    assert.equal(r.status, 0, r.stderr);
    const seen = JSON.parse(r.stdout);
    assert.equal(seen.backend, backend);
    assert.equal(seen.acquired, true);
    // Each pulls in streams or OpenSSL: several milliseconds of a cold start.
    for (const costly of ['crypto', 'net', 'worker_threads'])
      assert.ok(!seen.byRequire.includes(costly), `${backend}: require() loaded node:${costly}: ${seen.byRequire.join(', ')}`);
    // The first lock's marker tag and temp name hash a short string: no OpenSSL for that.
    for (const costly of ['crypto', 'net'])
      assert.ok(!seen.byLock.includes(costly), `${backend}: a lock loaded node:${costly}: ${seen.byLock.join(', ')}`);
  }
});
