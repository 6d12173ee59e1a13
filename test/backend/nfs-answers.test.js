'use strict';
// What an NFS client can answer that a local filesystem never does, made to
// happen on a real filesystem by a preloaded shim (there is no NFS server here):
// - a LINK whose reply was lost is sent again, and the retransmission finds the
//   name the first one created: EEXIST, although the lock was published. The
//   shim performs link()/linkat() and then reports EEXIST for the lock path.
// - EEXIST from a holder that releases before the publisher looks whether the
//   name is its own after all: the look finds nothing, and the answer is still
//   "taken". The shim fails link()/linkat() to the lock path with EEXIST, linking nothing.
// - ESTALE: the file handle went stale (another client replaced the file), so
//   a look must look again. The shim fails the first open() of the lock path.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, checkBackend, nativeKernelHeld, tmpDir, fixture, startChild, buildPreload } = require('../helpers');

// After test/helpers.js SHIM_PRELUDE: shim_hit() records each changed answer.
const SHIM = `#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/types.h>

static int lost_reply(const char* to, int r) {
  const char* suffix = getenv("LOST_LINK_SUFFIX");
  size_t n = suffix ? strlen(suffix) : 0, m = strlen(to);
  if (r == 0 && n > 0 && m >= n && strcmp(to + m - n, suffix) == 0) {
    shim_hit("lost-reply");
    errno = EEXIST;
    return -1;
  }
  return r;
}
static int taken(const char* to) {
  const char* suffix = getenv("TAKEN_LINK_SUFFIX");
  size_t n = suffix ? strlen(suffix) : 0, m = strlen(to);
  if (!(n > 0 && m >= n && strcmp(to + m - n, suffix) == 0)) return 0;
  shim_hit("taken");
  return 1;
}
static int stale_opens;
static int stale_once(const char* path) {
  const char* suffix = getenv("STALE_OPEN_SUFFIX");
  size_t n = suffix ? strlen(suffix) : 0, m = strlen(path);
  if (n > 0 && m >= n && strcmp(path + m - n, suffix) == 0 && stale_opens++ == 0) {
    shim_hit("stale");
    errno = ESTALE;
    return 1;
  }
  return 0;
}
int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = va_arg(ap, mode_t);
  va_end(ap);
  if (stale_once(path)) return -1;
  int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open64");
  return real(path, flags, mode);
}
int link(const char* from, const char* to) {
  if (taken(to)) {
    errno = EEXIST;
    return -1;
  }
  int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "link");
  return lost_reply(to, real(from, to));
}
int linkat(int fd1, const char* from, int fd2, const char* to, int flags) {
  if (taken(to)) {
    errno = EEXIST;
    return -1;
  }
  int (*real)(int, const char*, int, const char*, int) = (int (*)(int, const char*, int, const char*, int))dlsym(RTLD_NEXT, "linkat");
  return lost_reply(to, real(fd1, from, fd2, to, flags));
}
`;

test('a publish whose link() reported EEXIST although it succeeded is recognised by its inode: the lock is ours', async (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const file = path.join(tmpDir(), 'lost.pid');
  const holder = startChild(fixture('holder.js'), [file], { env: { ...shim.env, LOST_LINK_SUFFIX: '/lost.pid' } });
  const [state, pid] = (await holder.firstLine).split(' ');
  assert.equal(state, 'acquired', `the holder was refused by its own lock: ${holder.stderr()}`);
  assert.deepEqual(shim.hits(pid), ['loaded', 'lost-reply'], 'the shim answered EEXIST to the successful link');
  assert.equal(fs.readFileSync(file, 'latin1'), `${pid}\n`);
  // It holds it as any holder does: others are refused, and native judges see its kernel lock.
  assert.equal(new pkg.PidLock({ path: file }).tryAcquire(), false);
  if (pkg.backend === 'native') assert.equal(nativeKernelHeld(file), true, 'native judges see its kernel lock');
  holder.child.stdin.write('release\n');
  assert.equal((await holder.exited).code, 0);
  assert.equal(fs.existsSync(file), false, 'released');
  assert.deepEqual(
    fs.readdirSync(path.dirname(file)).filter((f) => f !== 'lost.pid'),
    [],
    'no temp file left',
  );
});

test('EEXIST stays "taken" when the holder is gone before the publisher looks at the name: refused, not an error', (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const file = path.join(tmpDir(), 'taken.pid');
  const r = spawnSync(process.execPath, [fixture('try-once.js'), file], {
    encoding: 'utf8',
    env: { ...process.env, ...shim.env, TAKEN_LINK_SUFFIX: '/taken.pid' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  checkBackend(out.backend, 'the publisher');
  assert.deepEqual(new Set(shim.hits(out.pid)), new Set(['loaded', 'taken']), 'the shim failed the link with EEXIST');
  // Before: the native publish reported the look's ENOENT as the link's error.
  assert.equal(out.tried, false);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), [], 'no lock, no temp file left');
});

test('ESTALE on a look means look again: a live holder is reported, not an error', async (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const file = path.join(tmpDir(), 'stale.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  assert.match(await holder.firstLine, /^acquired /);
  const r = spawnSync(process.execPath, [fixture('try-once.js'), file, 'look'], {
    encoding: 'utf8',
    env: { ...process.env, ...shim.env, STALE_OPEN_SUFFIX: '/stale.pid' },
  });
  assert.equal(r.status, 0, `a stale handle failed the look: ${r.stderr}`);
  const out = JSON.parse(r.stdout);
  checkBackend(out.backend, 'the looker');
  assert.deepEqual(shim.hits(out.pid), ['loaded', 'stale'], "the shim failed the look's first open with ESTALE");
  assert.deepEqual(
    { state: out.status.state, pid: out.status.pid, tried: out.tried },
    { state: 'held', pid: holder.child.pid, tried: false },
  );
  holder.child.kill('SIGKILL');
  await holder.exited;
});
