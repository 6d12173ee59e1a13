'use strict';
// requestSingleInstance across real processes: test/fixtures/si-app.js is the app.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, runChild, needRoot, stagePackage, sleep, within } = require('../helpers');

/** Runs si-app.js; `lines()` parses what it reported so far. */
function app(t, { dir, env = {}, args = [], cwd, uid, script = fixture('si-app.js') } = {}) {
  const full = { ...process.env, SI_DIR: dir, SI_TIMEOUT: '20000', ...env };
  const cmd = uid === undefined ? process.execPath : 'setpriv';
  const argv =
    uid === undefined ? [script, ...args] : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, script, ...args];
  const child = spawn(cmd, argv, { env: full, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  let err = '';
  const waiters = [];
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  child.stdout.on('data', (d) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  child.stderr.on('data', (d) => (err += d));
  // 'close', not 'exit': the report the app writes right before it ends may still be in the pipe at 'exit'.
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  /** Resolves with the first report matching `pred`; rejects if the app exits first. */
  const report = (pred) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = lines().find(pred);
        if (hit) {
          waiters.splice(waiters.indexOf(check), 1);
          resolve(hit);
        }
      };
      waiters.push(check);
      check();
      exited.then(({ code, signal }) => {
        check();
        reject(new Error(`si-app exited (${code ?? signal}) without the expected report; stdout: ${out} stderr: ${err}`));
      });
    });
  const final = () => report((l) => l.role === 'primary' || l.role === 'secondary' || l.role === 'error');
  return { child, lines, report, final, exited, stderr: () => err };
}

const isWin = process.platform === 'win32';

/**
 * Whether a first instance answers at `address`. A connection that sends nothing
 * is dropped by the first instance without reaching the handler. Works for Unix
 * sockets and for Windows named pipes, which have no file to look at.
 */
function listening(address) {
  return new Promise((resolve, reject) => {
    const s = net.connect(address);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', (err) => (['ENOENT', 'ECONNREFUSED'].includes(err.code) ? resolve(false) : reject(err)));
  });
}

async function primary(t, dir, env) {
  const p = app(t, { dir, env });
  const r = await p.final();
  assert.equal(r.role, 'primary', JSON.stringify(r));
  return { ...p, info: r };
}

test('a second instance sends argv exactly, cwd and data, and gets the reply', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const first = await primary(t, dir);
  assert.equal(first.info.lock, path.join(dir, '.si-app_lock.pid'));
  const elsewhere = tmpDir('pidlock-si-cwd-');
  const args = ['open', 'a file with spaces.txt', '', '--flag=x', 'ünïcödé', 'line\nbreak', '"quoted"'];
  const second = app(t, { dir, args, cwd: elsewhere, env: { SI_DATA: JSON.stringify({ n: 1, nested: [true, null] }) } });
  const r = await second.final();
  assert.equal(r.role, 'secondary', JSON.stringify(r));
  assert.equal(r.primaryPid, first.child.pid);
  assert.deepEqual(r.reply.argv, r.argv, 'argv arrives exactly, in order');
  assert.deepEqual(r.reply.argv.slice(2), args);
  assert.equal(r.reply.cwd, fs.realpathSync(elsewhere));
  assert.deepEqual(r.reply.data, { n: 1, nested: [true, null] });
  assert.equal(r.reply.by, first.child.pid);
  assert.equal((await second.exited).code, 0);
  const got = await first.report((l) => l.role === 'got');
  assert.equal(got.from, second.child.pid);
});

test('close() stops answering, removes the socket and releases the lock', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const first = await primary(t, dir);
  assert.equal(await listening(first.info.address), true);
  if (isWin) assert.match(first.info.address, /^\\\\\.\\pipe\\pidlock-si-[0-9a-f]{24}$/);
  else assert.equal(fs.statSync(path.dirname(first.info.address)).mode & 0o777, 0o700, 'a directory only this user can use');
  first.child.stdin.write('close\n');
  assert.equal((await first.exited).code, 0);
  assert.equal(fs.existsSync(first.info.lock), false);
  assert.equal(await listening(first.info.address), false);
  assert.equal(fs.existsSync(first.info.address), false);
  const next = await primary(t, dir);
  assert.notEqual(next.info.pid, first.info.pid);
});

test('a first instance killed with SIGKILL leaves a stale socket (a Windows pipe goes with it); the next start takes over', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const first = await primary(t, dir);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.equal(await listening(first.info.address), false);
  if (!isWin) assert.ok(fs.existsSync(first.info.address), 'the dead instance left its socket file');
  assert.ok(fs.existsSync(first.info.lock), 'and its lock file');
  const next = await primary(t, dir);
  assert.equal(next.info.address, first.info.address);
  const second = app(t, { dir, args: ['after-crash'] });
  const r = await second.final();
  assert.equal(r.role, 'secondary', JSON.stringify(r));
  assert.equal(r.primaryPid, next.child.pid);
  assert.deepEqual(r.reply.argv.slice(2), ['after-crash']);
});

test('20 second instances at once each get their own reply', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const first = await primary(t, dir);
  const seconds = Array.from({ length: 20 }, (_, i) => app(t, { dir, args: [`n${i}`], env: { SI_DATA: JSON.stringify({ i }) } }));
  const results = await Promise.all(seconds.map((s) => s.final()));
  results.forEach((r, i) => {
    assert.equal(r.role, 'secondary', `instance ${i}: ${JSON.stringify(r)}`);
    assert.equal(r.primaryPid, first.child.pid);
    assert.deepEqual(r.reply.data, { i });
    assert.deepEqual(r.reply.argv.slice(2), [`n${i}`]);
    assert.equal(r.pid, seconds[i].child.pid);
  });
  // The first instance reports each message on its own stdout, a pipe this
  // process reads apart from the seconds' pipes: a second may finish before
  // its "got" line has been read here. Wait for each (bounded), then count.
  const bound = 10_000 * Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1);
  const seen = Promise.all(seconds.map((s) => first.report((l) => l.role === 'got' && l.from === s.child.pid)));
  assert.equal(
    await within(
      seen.then(() => 'all'),
      bound,
    ),
    'all',
    'a message the first instance never reported',
  );
  const got = first
    .lines()
    .filter((l) => l.role === 'got')
    .map((l) => l.from)
    .sort();
  assert.deepEqual(got, seconds.map((s) => s.child.pid).sort(), 'the first instance saw each exactly once');
});

test('a throwing handler: the second instance gets an error, the first keeps running', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const env = { SI_HANDLER: 'throw-if-asked' };
  const first = await primary(t, dir, env);
  const failing = await app(t, { dir, env: { ...env, SI_DATA: JSON.stringify({ fail: true }) } }).final();
  assert.equal(failing.role, 'error', JSON.stringify(failing));
  assert.equal(failing.code, 'ERR_SINGLE_INSTANCE_HANDLER');
  assert.match(failing.message, /boom from the handler/);
  assert.equal(first.child.exitCode, null, 'the first instance is still running');
  const fine = await app(t, { dir, env }).final();
  assert.equal(fine.role, 'secondary', JSON.stringify(fine));
  assert.equal(fine.primaryPid, first.child.pid);
});

test("a message over the first instance's limit is refused, and it keeps serving", async (t) => {
  const dir = tmpDir('pidlock-si-');
  const first = await primary(t, dir, { SI_MAX: '2000' });
  // A file, not the environment: Windows caps a variable at 32,767 characters.
  const big = path.join(tmpDir('pidlock-si-data-'), 'big.json');
  fs.writeFileSync(big, JSON.stringify({ blob: 'x'.repeat(100000) }));
  const refused = await app(t, { dir, env: { SI_DATA_FILE: big } }).final();
  assert.equal(refused.role, 'error', JSON.stringify(refused).slice(0, 300));
  assert.equal(refused.code, 'ERR_SINGLE_INSTANCE_TOO_LARGE');
  assert.match(refused.message, /first instance's limit of 2000 bytes/);
  assert.equal(first.lines().filter((l) => l.role === 'got').length, 0, 'the handler never saw it');
  // The sender's own limit refuses before sending.
  const local = await app(t, { dir, env: { SI_DATA_FILE: big, SI_MAX: '500' } }).final();
  assert.equal(local.code, 'ERR_SINGLE_INSTANCE_TOO_LARGE');
  assert.match(local.message, /over maxMessageBytes \(500\)/);
  const small = await app(t, { dir }).final();
  assert.equal(small.role, 'secondary', JSON.stringify(small));
});

test('a lock holder that never listens: the second instance retries, then times out with an error', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const lock = path.join(dir, '.si-app_lock.pid');
  const holder = startChild(fixture('holder.js'), [lock]);
  t.after(() => holder.child.kill('SIGKILL'));
  assert.match(await holder.firstLine, /^acquired /);
  const r = await app(t, { dir, env: { SI_TIMEOUT: '1500' } }).final();
  assert.equal(r.role, 'error');
  assert.equal(r.code, 'ERR_SINGLE_INSTANCE_TIMEOUT');
  assert.match(r.message, new RegExp(`held by PID ${holder.child.pid}, but no first instance answered within 1500 ms`));
});

test('a second instance waiting on a holder that dies becomes the first instance', async (t) => {
  const dir = tmpDir('pidlock-si-');
  const lock = path.join(dir, '.si-app_lock.pid');
  const holder = startChild(fixture('holder.js'), [lock]);
  t.after(() => holder.child.kill('SIGKILL'));
  assert.match(await holder.firstLine, /^acquired /);
  const waiting = app(t, { dir });
  await waiting.report((l) => l.role === 'starting');
  // Let it fail to connect at least once; the outcome below does not depend on how long.
  await sleep(300);
  holder.child.kill('SIGKILL');
  const r = await waiting.final();
  assert.equal(r.role, 'primary', JSON.stringify(r));
  const second = await app(t, { dir }).final();
  assert.equal(second.primaryPid, waiting.child.pid);
});

test('another user cannot connect to the first instance', { skip: process.platform === 'win32' && 'needs setpriv (POSIX)' }, async (t) => {
  if (!needRoot(t)) return;
  const staged = stagePackage();
  const dir = tmpDir('pidlock-si-');
  const env = { PIDLOCK_PKG: staged.root };
  const first = app(t, { dir, env, script: staged.fixture('si-app.js') });
  assert.equal((await first.final()).role, 'primary');
  const stranger = app(t, { dir, env, uid: 65534, script: staged.fixture('si-app.js'), cwd: '/' });
  const r = await stranger.final();
  assert.equal(r.role, 'error', JSON.stringify(r));
  // It does not even try: the lock is another user's.
  assert.equal(r.code, 'ERR_SINGLE_INSTANCE_OTHER_USER');
  assert.equal(first.lines().filter((l) => l.role === 'got').length, 0, 'nothing reached the handler');
  // And the socket's private directory would have refused it anyway.
  const address = first.lines().find((l) => l.role === 'primary').address;
  const direct = runChild(staged.fixture('connect.js'), [address], { uid: 65534 });
  assert.equal(direct.stdout.trim(), 'EACCES', direct.stderr);
  // The same request from this user does get through, so the refusal was about the user.
  const own = await app(t, { dir, env, script: staged.fixture('si-app.js') }).final();
  assert.equal(own.role, 'secondary');
});

/** Starts si-planter.js as uid 65534; resolves once it listens. `probe()`: what every other connection sent it. */
async function planter(t, staged, socketDir, lock) {
  const p = startChild(staged.fixture('si-planter.js'), lock ? [socketDir, lock] : [socketDir], { uid: 65534 });
  t.after(() => p.child.kill('SIGKILL'));
  assert.equal(await p.firstLine, 'ready', p.stderr());
  const probe = () =>
    new Promise((resolve, reject) => {
      let text = '';
      const s = net.connect(path.join(socketDir, 's'));
      s.on('connect', () => s.write('PROBE\n'));
      s.on('data', (d) => (text += d));
      s.on('end', () => resolve(JSON.parse(text)));
      s.on('error', reject);
    });
  return { probe };
}

test(
  "another user's planted lock and socket get nothing from a second instance, and their reply is never taken",
  { skip: isWin && 'needs setpriv (POSIX); Windows pipes: see the Limits in docs/reliability.md' },
  async (t) => {
    if (!needRoot(t)) return;
    const staged = stagePackage();
    const dir = tmpDir('pidlock-si-');
    const lock = path.join(dir, '.si-app_lock.pid');
    // The lock names the planter's own live PID, and the socket sits where the lock's owner's would.
    const trap = await planter(t, staged, `${lock}-si.65534`, lock);
    const r = await app(t, { dir, env: { SI_DATA: '{"secret":1}' } }).final();
    assert.equal(r.role, 'error', JSON.stringify(r));
    assert.equal(r.code, 'ERR_SINGLE_INSTANCE_OTHER_USER');
    assert.match(r.message, /another user \(uid 65534, this is uid 0\)/);
    assert.deepEqual(await trap.probe(), { connections: 0, received: [] });
  },
);

test(
  'a socket another user planted where ours would be is refused while our own holder is not listening',
  { skip: isWin && 'needs setpriv (POSIX); Windows pipes: see the Limits in docs/reliability.md' },
  async (t) => {
    if (!needRoot(t)) return;
    const staged = stagePackage();
    const dir = tmpDir('pidlock-si-');
    const lock = path.join(dir, '.si-app_lock.pid');
    const holder = startChild(fixture('holder.js'), [lock]);
    t.after(() => holder.child.kill('SIGKILL'));
    assert.match(await holder.firstLine, /^acquired /);
    const trap = await planter(t, staged, `${lock}-si.${process.getuid()}`);
    const r = await app(t, { dir, env: { SI_DATA: '{"secret":1}' } }).final();
    assert.equal(r.role, 'error', JSON.stringify(r));
    assert.equal(r.code, 'ERR_SINGLE_INSTANCE_UNSAFE_DIR');
    assert.match(r.message, /was made by uid 65534/);
    assert.deepEqual(await trap.probe(), { connections: 0, received: [] });
  },
);

test('options are checked up front', async () => {
  await assert.rejects(pkg.requestSingleInstance({ name: 'x', timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(pkg.requestSingleInstance({ name: 'x', maxMessageBytes: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  await assert.rejects(pkg.requestSingleInstance({ name: 'a/b' }), { code: 'ERR_INVALID_ARG_VALUE' });
  await assert.rejects(pkg.requestSingleInstance(null), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('a lock path too long for a socket falls back to a short private path (Windows: a pipe name)', async (t) => {
  let dir = tmpDir('pidlock-si-');
  while (dir.length < 120) dir = path.join(dir, 'a-rather-long-directory-name');
  fs.mkdirSync(dir, { recursive: true });
  const first = await primary(t, dir);
  assert.ok(!first.info.address.startsWith(dir), first.info.address);
  assert.ok(Buffer.byteLength(first.info.address) <= 100, first.info.address);
  if (!isWin) {
    assert.ok(first.info.address.startsWith(os.tmpdir()), first.info.address);
    assert.equal(fs.statSync(path.dirname(first.info.address)).mode & 0o777, 0o700);
  }
  const r = await app(t, { dir, args: ['long'] }).final();
  assert.equal(r.role, 'secondary', JSON.stringify(r));
  assert.equal(r.primaryPid, first.child.pid);
  first.child.stdin.write('close\n');
  await first.exited;
  assert.equal(await listening(first.info.address), false);
  if (!isWin) assert.equal(fs.existsSync(path.dirname(first.info.address)), false, 'close() removes the fallback directory');
});
