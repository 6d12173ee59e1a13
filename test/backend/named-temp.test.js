'use strict';
// The native publish through a named temp file (no O_TMPFILE: macOS, NFS, old
// kernels, forced here by a preloaded shim). Only FUSE gives the lock's name a
// node of its own, whose kernel lock must then be taken on a second open of the
// name; on every other filesystem the temp inode is the name's node, and that
// extra open, fstat and flock on each publish is waste.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { tmpDir, fixture, startChild, needRoot, buildPreload, bindfsMount } = require('../helpers');

// After test/helpers.js SHIM_PRELUDE: shim_hit() records each refused
// O_TMPFILE, the link of the lock's name, and each open of that name after it.
const SHIM = `#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/types.h>

static int linked;
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
    shim_hit("no-tmpfile");
    errno = EOPNOTSUPP;
    return -1;
  }
  if (linked && is_lock(path)) shim_hit("reopen");
  int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, "open64");
  return real(path, flags, mode);
}
int link(const char* from, const char* to) {
  int (*real)(const char*, const char*) = (int (*)(const char*, const char*))dlsym(RTLD_NEXT, "link");
  int r = real(from, to);
  if (r == 0 && is_lock(to)) {
    linked = 1;
    shim_hit("linked");
  }
  return r;
}
`;

/**
 * A native holder of `file` published through a named temp file; while it holds,
 * `flock -n` on the lock's name is tried. Resolves with how often the holder
 * opened the name after linking it, and whether `flock -n` was refused.
 */
async function holdNamed(shim, file) {
  const holder = startChild(fixture('holder.js'), [file], {
    env: { ...shim.env, COUNT_PATH: file, PIDLOCK_REQUIRE_NATIVE: '1', PIDLOCK_NO_NATIVE: '' },
  });
  assert.match(await holder.firstLine, /^acquired \d+ native$/);
  assert.equal(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp')).length, 0, 'the temp name is gone');
  const flock = spawnSync('flock', ['-n', file, 'true']);
  holder.child.stdin.write('release\n');
  assert.equal((await holder.exited).code, 0);
  const hits = shim.hits(holder.child.pid);
  // Without them the holder took another path (O_TMPFILE after all, or no shim) and the count below proves nothing.
  assert.deepEqual(hits.slice(0, 3), ['loaded', 'no-tmpfile', 'linked'], 'the shim refused O_TMPFILE and saw the link');
  return { opens: hits.filter((h) => h === 'reopen').length, flockRefused: flock.status === 1 };
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
