'use strict';
// Shared by every test: the package under test, real child processes, and
// temp directories that an unprivileged child can use too.
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const { after } = require('node:test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { firstLine } = require('./fixtures/lines');

const root = path.join(__dirname, '..');
const pkg = require(root);

/**
 * The backend this run must be on (PIDLOCK_EXPECT_BACKEND, else this process's
 * own), so a silent fallback fails here, not later. A child reports its backend
 * and is checked the same way: it must match even when nothing is expected.
 */
function checkBackend(got = pkg.backend, who = 'this process') {
  const want = process.env.PIDLOCK_EXPECT_BACKEND || pkg.backend;
  assert.equal(got, want, `${who}: expected backend ${want}, got ${got} (${pkg.loadError})`);
}
// Run by hand without the runner, nothing says which backend this process must have.
if (process.env.PIDLOCK_EXPECT_BACKEND) checkBackend();

/** A fresh directory under the temp dir, world-writable with the sticky bit like /tmp. */
function tmpDir(prefix = 'pidlock-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o1777);
  return dir;
}

const fixture = (name) => path.join(__dirname, 'fixtures', name);

// Children still running when a file's tests end (a failed assertion skipped the
// cleanup) would keep the file's process, and so the whole run, alive forever.
const running = new Set();
after(() => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `cmd` with `args`; `firstLine` resolves once it prints its first line,
 * `nextLine()` with each later one. Killed when the file's tests end.
 * Everything that reads the output at the child's end waits for 'close', not
 * 'exit': Node emits 'exit' when the process is reaped, and its last lines may
 * still be in the pipe (under Wine they routinely are).
 */
function startProgram(cmd, args = [], { env } = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out, err })));
  // nextLine() resolves with the line after the last one read (the first is firstLine's).
  let read = 1;
  const nextLine = () => {
    const n = read++;
    return new Promise((resolve, reject) => {
      const check = () => {
        const lines = out.split('\n');
        if (lines.length > n + 1) {
          child.stdout.off('data', check);
          resolve(lines[n]);
        }
      };
      child.stdout.on('data', check);
      child.once('close', (code, sig) => reject(new Error(`child exited (${code ?? sig}) before line ${n + 1}: ${out} ${err}`)));
      check();
    });
  };
  return { child, firstLine: firstLine(child, cmd), nextLine, exited, output: () => out, stderr: () => err };
}

/**
 * startProgram for a fixture run by this Node (for holders, the first line is
 * "acquired <pid>" or "refused <pid>"). `uid`: run as that user; `via`: a
 * command that runs the rest elsewhere, e.g. nsenter into a simulated host
 * (test/hosts.js).
 */
function startChild(script, args = [], { env, uid, via = [] } = {}) {
  const node = [process.execPath, script, ...args];
  const as = uid === undefined ? [] : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups'];
  const [cmd, ...full] = [...via, ...as, ...node];
  return startProgram(cmd, full, { env });
}

/** Runs a fixture to completion and returns { status, stdout, stderr }. */
function runChild(script, args = [], { env, uid, timeout = 20000 } = {}) {
  const argv = [script, ...args];
  const cmd = uid === undefined ? process.execPath : 'setpriv';
  const full = uid === undefined ? argv : [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, ...argv];
  return spawnSync(cmd, full, { env: { ...process.env, ...env }, encoding: 'utf8', timeout });
}

/** A PID that is certainly not running now: a child that has exited and been reaped. */
function deadPid() {
  return spawnSync(process.execPath, ['--version']).pid;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const inCI = !!process.env.CI;

/**
 * For tests that need root (setpriv, mounts, namespaces). Outside CI without
 * root they skip with a loud reason; inside CI a missing privilege is a failure.
 */
function needRoot(t) {
  // These cases use util-linux (setpriv, mount, unshare), which macOS lacks; its
  // CI is the GitHub workflow, whose runners are not root either.
  if (process.platform !== 'linux') {
    t.skip('needs Linux util-linux tools (setpriv, mount, unshare) as root');
    return false;
  }
  if (isRoot) return true;
  if (inCI) assert.fail('this test needs root, and CI runs as root');
  t.skip('NEEDS ROOT: run as root to exercise this case');
  return false;
}

/**
 * Copies the built package (dist, the native build, runtime deps) into a
 * world-readable temp dir, so a child running as another user can load it
 * even when the checkout itself is under a private directory like /root.
 */
let staged;
function stagePackage() {
  if (staged) return staged;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-pkg-'));
  const copy = (rel) => {
    const from = path.join(root, rel);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(dest, rel), { recursive: true });
  };
  for (const rel of ['package.json', 'dist', 'build/Release', 'prebuilds', 'node_modules/node-gyp-build']) copy(rel);
  fs.cpSync(path.join(__dirname, 'fixtures'), path.join(dest, 'fixtures'), { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX', dest]);
  staged = { root: dest, fixture: (name) => path.join(dest, 'fixtures', name) };
  return staged;
}

/** A live process that does nothing for 30 s; resolves once it runs. Killed when the file's tests end. */
async function idleChild() {
  const child = spawn(process.execPath, [fixture('idle.js')]);
  running.add(child);
  child.on('exit', () => running.delete(child));
  await new Promise((r) => child.once('spawn', r));
  return child;
}

/**
 * A process that creates `template` with `content` (in both, "%PID%" becomes its
 * own PID) and keeps it open, as a breaker keeps its ballot and a publisher its
 * temp file. Resolves with { pid, file, child } once the file exists. Killed
 * when the file's tests end. `uid`: run as that user.
 */
async function sideFileHolder(template, content, { uid } = {}) {
  // As another user, from the world-readable staged copy of the fixtures.
  const script = uid === undefined ? fixture('side-file-holder.js') : stagePackage().fixture('side-file-holder.js');
  const holder = startChild(script, [template, content], { uid });
  const pid = Number((await holder.firstLine).split(' ')[1]);
  return { pid, child: holder.child, file: template.replaceAll('%PID%', String(pid)) };
}

/**
 * What a native judge's look at `file` sees of its kernel lock (the addon's
 * inspect(), with its shared probe): true, false or null. Asked of a child, so
 * that JS-backend runs can ask too.
 */
function nativeKernelHeld(file) {
  const r = runChild(fixture('kernel-held.js'), [file], { env: { PIDLOCK_NO_NATIVE: '' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// Put before each shim's own source: its constructor writes "loaded" into
// <PIDLOCK_SHIM_DIR>/<pid>, and shim_hit(what) adds a line each time the shim
// changes an answer, so a test can prove that the shim ran in its child and did
// what the case is about (a shim that silently failed to load would leave the
// child on the plain path, and many cases would pass anyway).
const SHIM_PRELUDE = `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void shim_hit(const char* what) {
  const char* dir = getenv("PIDLOCK_SHIM_DIR");
  if (dir == NULL) return;
  char name[4096];
  snprintf(name, sizeof name, "%s/%d", dir, (int)getpid());
  int fd = open(name, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  char line[256];
  int n = snprintf(line, sizeof line, "%s\\n", what);
  if (write(fd, line, (size_t)n) != n) {
    // Best effort: the test then finds the line missing and fails.
  }
  close(fd);
}
__attribute__((constructor)) static void shim_loaded(void) { shim_hit("loaded"); }
#line 1 "shim.c"
`;

/**
 * Compiles `source` (C, after SHIM_PRELUDE) into an LD_PRELOAD shim; null after
 * skipping `t` where that cannot be done (off Linux; no C compiler outside CI).
 * Returns { env, hits(pid) }: `env` preloads it into a child, and hits(pid) is
 * what the shim wrote in process `pid` ("loaded", then each shim_hit()).
 */
function buildPreload(t, source) {
  if (process.platform !== 'linux') {
    t.skip('LD_PRELOAD of a glibc shim: Linux only');
    return null;
  }
  // Under qemu-user (the arm64 cross run) the host's compiler builds for the host,
  // and an x86-64 shim cannot be preloaded into an arm64 process.
  const target = spawnSync('cc', ['-dumpmachine'], { encoding: 'utf8' }).stdout ?? '';
  const want = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  if (target !== '' && want !== undefined && !target.startsWith(want)) {
    t.skip(`the C compiler builds for ${target.trim()}, this Node runs as ${process.arch} (an emulated run)`);
    return null;
  }
  const dir = tmpDir('pidlock-shim-');
  const log = path.join(dir, 'hits');
  fs.mkdirSync(log, { mode: 0o1777 });
  fs.chmodSync(log, 0o1777);
  fs.writeFileSync(path.join(dir, 'shim.c'), SHIM_PRELUDE + source);
  const so = path.join(dir, 'shim.so');
  const r = spawnSync('cc', ['-shared', '-fPIC', '-o', so, path.join(dir, 'shim.c'), '-ldl'], { encoding: 'utf8' });
  if (r.status === 0) {
    const hits = (pid) => {
      const file = path.join(log, String(pid));
      return fs.existsSync(file) ? fs.readFileSync(file, 'latin1').split('\n').filter(Boolean) : [];
    };
    return { env: { LD_PRELOAD: so, PIDLOCK_SHIM_DIR: log }, hits };
  }
  if (inCI) assert.fail(`CI has a C compiler (build-essential): ${r.error?.message ?? r.stderr}`);
  t.skip(`NEEDS a C compiler for the LD_PRELOAD shim: ${r.error?.message ?? r.stderr}`);
  return null;
}

/** A bindfs (FUSE) view of a fresh directory, unmounted when `t` ends: the mount point. Needs root. */
function bindfsMount(t) {
  const base = tmpDir();
  const src = path.join(base, 'src');
  const mnt = path.join(base, 'mnt');
  fs.mkdirSync(src);
  fs.mkdirSync(mnt);
  const mount = spawnSync('bindfs', [src, mnt], { encoding: 'utf8' });
  assert.equal(mount.status, 0, `bindfs (apt-get install bindfs): ${mount.error ?? mount.stderr}`);
  t.after(() => spawnSync('umount', ['-l', mnt]));
  return mnt;
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** `promise`'s value, or 'late' if it has not settled within `ms`; the timer never outlives the answer. */
async function within(promise, ms) {
  let timer;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms, 'late')));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

let internals;
/** The package's internal entry (src/internal.ts), for the names it gives side files; loaded on first use. */
function internal() {
  return (internals ??= require(path.join(root, 'dist', 'internal.js')));
}

/** The id the break ballots of this lock file, as it is now, carry (src/sidefiles.ts fileId). */
function lockId(file) {
  return internal().fileId(fs.statSync(file, { bigint: true }));
}

/** Round `round`'s break ballot of this lock file, as it is now (or of the file whose id was `id`). */
function ballotOf(file, round = 1, id = lockId(file)) {
  return internal().ballotPath(file, id, round);
}

/**
 * A temp file name of `file`, as process `pid` (or '%PID%', for sideFileHolder)
 * of the domain `tag` (null: untagged) names one.
 */
function tmpOf(file, pid, tag = null, unique = '0abc') {
  return internal().tmpPathOf(file, tag, pid, unique);
}

/** This process's domain (src/domain.ts), whose tag temp names carry; null: none here. */
function ownDomain() {
  return internal().ownDomain();
}

module.exports = {
  pkg,
  checkBackend,
  root,
  tmpDir,
  fixture,
  firstLine,
  startProgram,
  startChild,
  runChild,
  idleChild,
  sideFileHolder,
  nativeKernelHeld,
  deadPid,
  isRoot,
  inCI,
  needRoot,
  stagePackage,
  buildPreload,
  bindfsMount,
  sleep,
  within,
  lockId,
  ballotOf,
  tmpOf,
  ownDomain,
};
