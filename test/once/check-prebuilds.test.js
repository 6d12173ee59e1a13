'use strict';
// scripts/check-prebuilds.js (prepublishOnly): the header reader on real binaries,
// and a refusal when a prebuild is built for the wrong CPU.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, tmpDir } = require('../helpers');

const script = path.join(root, 'scripts', 'check-prebuilds.js');
const { machineOf } = require(script);
// A real addon for this process's CPU: the from-source build, or this platform's
// prebuild. With PREBUILDS_ONLY (the emulated cross runs) build/Release is the
// x86-64 host's, not the emulated arm64 process's, so only the prebuild counts.
const ownPrebuild = path.join(
  root,
  'prebuilds',
  `${process.platform}-${process.arch}`,
  process.arch === 'arm64' ? 'node.napi.armv8.node' : 'node.napi.node',
);
const built = [...(process.env.PREBUILDS_ONLY ? [] : [path.join(root, 'build', 'Release', 'pidlock.node')]), ownPrebuild].find((f) =>
  fs.existsSync(f),
);
const cross = (p) => path.join(root, 'prebuilds', p);

test('the header reader names the CPU of real binaries', (t) => {
  if (!built) return t.skip(`no build/Release/pidlock.node and no ${ownPrebuild}`);
  assert.equal(machineOf(built), process.arch === 'arm64' ? 'aarch64' : 'x86-64');
  assert.equal(machineOf(path.join(root, 'README.md')), null);
  for (const [p, want] of [
    ['linux-arm64/node.napi.armv8.node', 'aarch64'],
    ['win32-x64/node.napi.node', 'x86-64'],
  ]) {
    if (fs.existsSync(cross(p))) assert.equal(machineOf(cross(p)), want, p);
  }
});

test("every platform of the README's support table is one the loader knows, with the same file", () => {
  const { PREBUILDS } = require(path.join(root, 'dist', 'internal.js'));
  const { planned } = require(script);
  const { list, problems } = planned(PREBUILDS);
  assert.deepEqual(problems, []);
  assert.deepEqual(list.map((p) => p.platform).sort(), ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
  // And it can tell: a table row the loader does not know, and a file name it would not look for.
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const rest = { ...PREBUILDS };
  delete rest['darwin-arm64'];
  assert.match(planned(rest, readme).problems.join('\n'), /darwin-arm64: in the README's table but not in .*PREBUILDS/);
  const renamed = readme.replace('prebuilds/darwin-arm64/node.napi.armv8.node', 'prebuilds/darwin-arm64/node.napi.node');
  assert.match(planned(PREBUILDS, renamed).problems.join('\n'), /darwin-arm64: the README ships prebuilds\/darwin-arm64\/node\.napi\.node/);
});

test('check:prebuilds refuses a missing or wrong-arch prebuild, and accepts a complete set', (t) => {
  if (!built || process.arch !== 'x64' || process.platform !== 'linux') return t.skip('needs the linux-x64 build');
  const dir = tmpDir();
  const put = (p, from) => {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.copyFileSync(from, path.join(dir, p));
  };
  const run = () =>
    spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, CHECK_PREBUILDS_DIR: dir, PIDLOCK_SKIP_PREBUILD_CHECK: '' },
    });
  put('linux-x64/node.napi.node', built);
  put('win32-x64/node.napi.node', built); // an ELF where a PE belongs: same CPU, so only the arm64 gap shows
  let r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /linux-arm64: .* is missing/);
  // The x86-64 build where the arm64 one belongs: what `@electron/rebuild --arch arm64` left behind.
  put('linux-arm64/node.napi.armv8.node', built);
  r = run();
  assert.equal(r.status, 1);
  assert.match(r.stderr, /linux-arm64: .* is built for x86-64, not aarch64/);
  const skipped = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, CHECK_PREBUILDS_DIR: dir, PIDLOCK_SKIP_PREBUILD_CHECK: '1' },
  });
  assert.equal(skipped.status, 0);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('npm pack (prepack) warns, naming each platform whose prebuild is missing, and goes on', () => {
  const dir = tmpDir();
  if (built && process.platform === 'linux' && process.arch === 'x64') {
    fs.mkdirSync(path.join(dir, 'linux-x64'));
    fs.copyFileSync(built, path.join(dir, 'linux-x64', 'node.napi.node'));
  }
  // The lifecycle script `npm pack` runs, run as npm would (a whole pack would
  // rebuild dist/ under the other tests; npm itself is not everywhere, e.g. Wine).
  const { prepack } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts;
  const [cmd, ...args] = prepack.split(' ');
  assert.equal(cmd, 'node', `prepack runs node: ${prepack}`);
  const r = spawnSync(process.execPath, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CHECK_PREBUILDS_DIR: dir, PIDLOCK_SKIP_PREBUILD_CHECK: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  const { PREBUILDS } = require(path.join(root, 'dist', 'internal.js'));
  const missing = Object.keys(PREBUILDS).filter((p) => !fs.existsSync(path.join(dir, p)));
  assert.ok(missing.length > 0);
  assert.match(r.stderr, new RegExp(`^warning: this tarball lacks working prebuilds for ${missing.join(', ')}:`));
  for (const p of missing) assert.match(r.stderr, new RegExp(`\n  ${p}: .* is missing`), p);
  fs.rmSync(dir, { recursive: true, force: true });
});
