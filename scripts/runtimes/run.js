#!/usr/bin/env node
'use strict';
// Bun and Deno as supported runtimes: with the binaries the npm registry
// ships, the package's lock life under each runtime, driven from Node.
//   node scripts/runtimes/run.js bun  /path/to/bun
//   node scripts/runtimes/run.js deno /path/to/deno
// Each check prints "runtimes: ok: ..." or fails the run.
const { spawn, spawnSync } = require('node:child_process');
const { startChild } = require('../lib/child');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [kind, bin] = process.argv.slice(2);
const root = path.join(__dirname, '..', '..');
// Deno's flags per feature, as the README's "Runtimes" section lists them.
// --unstable-detect-cjs: these fixtures are CommonJS .js files outside node_modules.
const DENO_ALL = ['run', '-A', '--unstable-detect-cjs'];
const prefix = kind === 'deno' ? DENO_ALL : [];
const cli = path.join(root, 'dist', 'cli.js');
const holder = path.join(__dirname, 'holder.js');
const env = { ...process.env, PIDLOCK_NO_NATIVE: '', NO_COLOR: '1' };

function run(args, opts = {}) {
  return spawnSync(bin, [...(opts.prefix ?? prefix), ...args], { encoding: 'utf8', env, input: '', timeout: 30000, ...opts });
}
const start = (args) => startChild(bin, [...prefix, ...args], { env });
const status = (dir) => JSON.parse(run([cli, 'status', '--name', 'rt', '--dir', dir, '--json']).stdout).state;
const ok = (what) => console.log(`runtimes: ok: ${kind}: ${what}`);

(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pidlock-${kind}-`));
  fs.chmodSync(dir, 0o1777);

  const probe = run([path.join(__dirname, 'probe.js')]);
  assert.equal(probe.stdout.trim(), 'native', `${kind}: the prebuild did not load: ${probe.stdout}${probe.stderr}`);
  ok('the native addon loads');

  // Acquire, refuse a second process, take over after SIGKILL.
  const a = start([holder, dir, 'hold']);
  assert.equal(await a.line, 'native acquired');
  assert.equal(run([holder, dir, 'natural']).stdout.trim(), 'native refused');
  assert.equal(status(dir), 'held');
  a.child.kill('SIGKILL');
  await a.exited;
  assert.equal(status(dir), 'stale');
  assert.equal(run([holder, dir, 'natural']).stdout.trim(), 'native acquired');
  ok('acquire, a second process refused, takeover after SIGKILL');

  // Every kind of exit releases: `pidlock status` says free afterwards, not stale.
  for (const how of ['natural', 'exit', 'throw', 'SIGTERM', 'SIGINT', 'SIGHUP']) {
    const signal = how.startsWith('SIG') ? how : null;
    const h = start([holder, dir, signal ? 'hold' : how]);
    assert.equal(await h.line, 'native acquired', how);
    if (signal) h.child.kill(signal);
    await h.exited;
    assert.equal(status(dir), 'free', `${kind}: the lock is left behind after a ${how} exit`);
  }
  ok('released on a natural exit, process.exit, an uncaught exception, SIGTERM, SIGINT, SIGHUP');

  // The CLI under the runtime: `pidlock run` holds the lock while a command runs.
  const cmd = run([cli, 'run', '--name', 'rtcli', '--dir', dir, '--', process.execPath, '-e', 'process.stdout.write("inside")']);
  assert.equal(cmd.status, 0, cmd.stderr);
  assert.equal(cmd.stdout, 'inside');
  assert.equal(status(dir), 'free');
  ok('the CLI (run, status)');

  // The singleton mixin: the first holds, the second is told an instance runs.
  const s1 = start([path.join(root, 'test', 'fixtures', 'singleton-app.js'), dir, '9001', 'hold']);
  const first = JSON.parse(await s1.line);
  const second = JSON.parse(run([path.join(root, 'test', 'fixtures', 'singleton-app.js'), dir, '9001']).stdout.split('\n')[0]);
  s1.child.kill('SIGTERM');
  await s1.exited;
  assert.equal(first.acquired, true, JSON.stringify(first));
  assert.equal(second.acquired, false, JSON.stringify(second));
  ok('the singleton mixin');

  // requestSingleInstance: the second instance's argv reaches the first, the reply comes back.
  const siEnv = { SI_DIR: dir, SI_NAME: `si-${kind}` };
  Object.assign(env, siEnv);
  const p = start([path.join(root, 'test', 'fixtures', 'si-app.js')]);
  await p.line;
  let out = '';
  p.child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => setTimeout(r, 200));
  const sec = run([path.join(root, 'test', 'fixtures', 'si-app.js'), 'hello']);
  const reply = sec.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .find((o) => o.role === 'secondary');
  p.child.stdin.end('close\n');
  await p.exited;
  assert.ok(reply, `no secondary reply: ${sec.stdout}${sec.stderr}`);
  assert.deepEqual(reply.reply.argv.slice(-1), ['hello'], JSON.stringify(reply));
  ok('requestSingleInstance');
  if (kind === 'deno') {
    // Without --allow-env the import must not throw; without --allow-ffi it is the JS path, with the reason.
    const scoped = (flags) => run([path.join(__dirname, 'probe.js')], { prefix: ['run', '--unstable-detect-cjs', ...flags] });
    const noEnv = scoped([`--allow-read`, '--allow-ffi']);
    assert.equal(noEnv.status, 0, noEnv.stderr);
    assert.match(noEnv.stdout, /^native/);
    const noFfi = scoped(['--allow-read', '--allow-env']);
    assert.match(noFfi.stdout, /^js .*no native addon/, noFfi.stdout + noFfi.stderr);
    ok('without --allow-env the import works (native); without --allow-ffi: js with a loadError');
    // Scoped permissions: /proc unreadable. Two live processes must never both
    // hold the lock, on the native backend and on the JS one (no --allow-ffi),
    // where every /proc read throws NotCapable and must mean "unknown", not "dead".
    for (const [name, ffi] of [
      ['native', ['--allow-ffi']],
      ['js', []],
    ]) {
      const flags = ['run', '--unstable-detect-cjs', `--allow-read=${root},${dir}`, `--allow-write=${dir}`, ...ffi, '--allow-env'];
      const h = spawn(bin, [...flags, holder, dir, 'hold'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const first = await new Promise((r) => h.stdout.once('data', (d) => r(String(d).trim())));
      const second = spawnSync(bin, [...flags, holder, dir, 'natural'], { encoding: 'utf8', env, input: '', timeout: 30000 });
      h.kill('SIGKILL');
      await new Promise((r) => h.once('exit', r));
      fs.rmSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.pid')) ?? 'none'), { force: true });
      assert.equal(first, `${name} acquired`);
      assert.equal(
        second.stdout.trim(),
        `${name} refused`,
        `scoped permissions let a second live process take the lock (${name}): ${second.stdout}${second.stderr}`,
      );
    }
    ok('scoped permissions (no /proc read): a second live process is refused, native and js');
    // No --allow-write for the lock's directory, on the JS path (no --allow-ffi): the
    // error must say that Deno refused, and keep Deno's own error as its cause.
    const denied = run([path.join(__dirname, 'denied.js'), dir], {
      prefix: ['run', '--unstable-detect-cjs', `--allow-read=${root},${dir}`, '--allow-env'],
    });
    const seen = JSON.parse(denied.stdout || 'null');
    assert.equal(seen?.backend, 'js', denied.stdout + denied.stderr);
    assert.equal(seen.error?.code, 'EACCES', denied.stdout);
    assert.match(seen.error.message, /permission system refused it.*--allow-write/, denied.stdout);
    assert.equal(seen.cause?.name, 'NotCapable', denied.stdout);
    ok("a lock Deno's permissions refuse: EACCES naming the refusal, with Deno's error as its cause");
  }
  fs.rmSync(dir, { recursive: true, force: true });
})().catch((err) => {
  console.error(`runtimes: FAIL: ${kind}: ${err.stack || err}`);
  process.exit(1);
});
