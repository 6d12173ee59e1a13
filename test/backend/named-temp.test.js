'use strict';
// The native publish through a named temp file (no O_TMPFILE: macOS, NFS, old
// kernels, forced here by a preloaded shim). Only FUSE gives the lock's name a
// node of its own, whose kernel lock must then be taken on a second open of the
// name; on every other filesystem the temp inode is the name's node, and that
// extra open, fstat and flock on each publish is waste.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, tmpDir, needRoot, buildPreload, bindfsMount } = require('../helpers');

const SHIM = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static int linked, opens;
static int is_lock(const char* p) {
  const char* want = getenv("COUNT_PATH");
  return want != NULL && strcmp(p, want) == 0;
}
int open64(const char* path, int flags, ...) {
  va_list ap;
  va_start(ap, flags);
  mode_t mode = va_arg(ap, mode_t);
  va_end(ap);
  if ((flags & O_TMPFILE) == O_TMPFILE) {
    errno = EOPNOTSUPP;
    return -1;
  }
  if (linked && is_lock(path)) opens++;
  int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open64");
  return real(path, flags, mode);
}
int link(const char* from, const char* to) {
  int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "link");
  int r = real(from, to);
  if (r == 0 && is_lock(to)) linked = 1;
  return r;
}
__attribute__((destructor)) static void report(void) {
  const char* out = getenv("COUNT_OUT");
  if (out == NULL || !linked) return;
  FILE* f = fopen(out, "w");
  if (f) {
    fprintf(f, "%d", opens);
    fclose(f);
  }
}
`;

/**
 * A native holder of `file` published through a named temp file; while it holds,
 * `flock -n` on the lock's name is tried. Resolves with how often the holder
 * opened the name after linking it, and whether `flock -n` was refused.
 */
async function holdNamed(shim, file) {
  const count = `${file}.count`;
  const js = `const p = require(${JSON.stringify(root)}); const l = new p.PidLock({ path: process.argv[1] });
    console.log(l.tryAcquire() + ' ' + p.backend); process.stdin.once('data', () => { l.release(); process.exit(0); });`;
  const child = spawn(process.execPath, ['-e', js, file], {
    env: { ...process.env, LD_PRELOAD: shim, COUNT_PATH: file, COUNT_OUT: count, PIDLOCK_REQUIRE_NATIVE: '1', PIDLOCK_NO_NATIVE: '' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  assert.equal(String(await new Promise((r) => child.stdout.once('data', r))).trim(), 'true native');
  assert.equal(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp')).length, 0, 'the temp name is gone');
  const flock = spawnSync('flock', ['-n', file, 'true']);
  child.stdin.write('release\n');
  assert.equal(await exited, 0);
  return { opens: Number(fs.readFileSync(count, 'latin1')), flockRefused: flock.status === 1 };
}

test("a named-temp publish on a local disk keeps the temp inode's kernel lock: no second open of the name", async (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const r = await holdNamed(shim, path.join(tmpDir(), 'named.pid'));
  assert.equal(r.flockRefused, true, 'the kernel lock guards the name');
  assert.equal(r.opens, 0, 'the name is one node with the temp inode: nothing to reopen');
});

test("a named-temp publish on FUSE (bindfs) takes the kernel lock on the name's own node", async (t) => {
  if (!needRoot(t)) return;
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const mnt = bindfsMount(t);
  const r = await holdNamed(shim, path.join(mnt, 'named.pid'));
  assert.equal(r.flockRefused, true, 'flock -n through the name is refused while held');
  assert.equal(r.opens, 1, 'the name was opened once more, for its own kernel lock');
});
