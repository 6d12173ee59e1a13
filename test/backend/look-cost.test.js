'use strict';
// What a look at a lock costs beyond the lock file itself, counted with an
// LD_PRELOAD shim in a real contender process. A native holder's kernel lock,
// which the native look sees with its test lock, proves a live holder: a
// refused native poll then reads nothing of the holder's /proc. The JS backend
// cannot see kernel locks (Node has no flock): it must judge the holder by
// /proc at every poll. The breaker of a dead holder's lock, on either backend,
// does not list its own descriptors to prove that its ballot is its own.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, checkBackend, tmpDir, fixture, startChild, runChild, buildPreload } = require('../helpers');

// After test/helpers.js SHIM_PRELUDE: counts opens of /proc/<pid>/stat and
// listings of /proc/self/fd (libuv's readdirSync goes through scandir), and
// records "counts <stat opens> <fd listings>" at exit.
const SHIM = `#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/types.h>

static int stat_opens, fd_listings;
static void seen(const char* p) {
  if (strncmp(p, "/proc/", 6) != 0) return;
  size_t n = strlen(p);
  if (n > 5 && strcmp(p + n - 5, "/stat") == 0 && p[6] >= '0' && p[6] <= '9') stat_opens++;
  if (strcmp(p, "/proc/self/fd") == 0) fd_listings++;
}
#define OPEN(name)                                                              \\
  int name(const char* path, int flags, ...) {                                  \\
    va_list ap;                                                                 \\
    va_start(ap, flags);                                                        \\
    mode_t mode = va_arg(ap, mode_t);                                           \\
    va_end(ap);                                                                 \\
    seen(path);                                                                 \\
    int (*real)(const char*, int, ...) = (int (*)(const char*, int, ...))dlsym(RTLD_NEXT, #name); \\
    return real(path, flags, mode);                                             \\
  }
OPEN(open)
OPEN(open64)
typedef int (*filter_t)(const struct dirent*);
typedef int (*compar_t)(const struct dirent**, const struct dirent**);
int scandir(const char* dir, struct dirent*** list, filter_t filter, compar_t compar) {
  seen(dir);
  int (*real)(const char*, struct dirent***, filter_t, compar_t) =
      (int (*)(const char*, struct dirent***, filter_t, compar_t))dlsym(RTLD_NEXT, "scandir");
  return real(dir, list, filter, compar);
}
int scandir64(const char* dir, struct dirent64*** list, int (*filter)(const struct dirent64*),
              int (*compar)(const struct dirent64**, const struct dirent64**)) {
  seen(dir);
  int (*real)(const char*, struct dirent64***, int (*)(const struct dirent64*),
              int (*)(const struct dirent64**, const struct dirent64**)) =
      (int (*)(const char*, struct dirent64***, int (*)(const struct dirent64*),
               int (*)(const struct dirent64**, const struct dirent64**)))dlsym(RTLD_NEXT, "scandir64");
  return real(dir, list, filter, compar);
}
__attribute__((destructor)) static void report(void) {
  char line[64];
  snprintf(line, sizeof line, "counts %d %d", stat_opens, fd_listings);
  shim_hit(line);
}
`;

/**
 * Runs the look-count fixture under the shim: [opens of /proc/<pid>/stat,
 * listings of /proc/self/fd, the fixture's own report].
 */
function counted(shim, file, ...args) {
  const r = runChild(fixture('look-count.js'), [file, ...args], { env: shim.env });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  checkBackend(report.backend, 'the contender');
  const hits = shim.hits(r.pid);
  assert.equal(hits[0], 'loaded', 'the shim ran in the contender');
  const counts = hits.find((h) => h.startsWith('counts '));
  assert.ok(counts, `the shim reported its counts: ${hits.join(', ')}`);
  return [...counts.split(' ').slice(1).map(Number), report];
}

const POLLS = 50;

/** A holder of a fresh lock in another process, killed when `t` ends. */
async function held(t) {
  const file = path.join(tmpDir('pidlock-look-cost-'), 'cost.lock');
  const holder = startChild(fixture('holder.js'), [file]);
  t.after(() => holder.child.kill('SIGKILL'));
  assert.match(await holder.firstLine, /^acquired /);
  return { file, holder };
}

test('a refused poll at a live holder reads its /proc only where no kernel lock answers', async (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const { file } = await held(t);
  const [statOpens] = counted(shim, file, 'poll', POLLS);
  if (pkg.backend === 'native') {
    assert.equal(statOpens, 0, 'the kernel lock seen held decided: no /proc/<pid>/stat read');
  } else {
    assert.ok(statOpens >= POLLS, `the JS backend judges the holder at every poll: ${statOpens} reads for ${POLLS} polls`);
  }
});

test(
  'a JS-backend acquire() waiter whose file watch stands looks at the lock once per poll',
  { skip: pkg.backend === 'native' && 'a native look at a kernel-locked holder reads no /proc (the test above)' },
  async (t) => {
    const shim = buildPreload(t, SHIM);
    if (shim === null) return;
    const { file } = await held(t);
    // Each of its looks judges the holder by one /proc/<pid>/stat read; each poll waits on one timer.
    const [statOpens, , { timers }] = counted(shim, file, 'wait', 1500, 25);
    t.diagnostic(`${statOpens} looks over ${timers} timers`);
    assert.ok(timers >= 10, `the waiter polled: ${timers} timers`);
    // The first try, then one look per poll (a look after each wait would double it).
    assert.ok(statOpens <= timers + 2, `${statOpens} looks for ${timers} polls`);
  },
);

test("the breaker of a dead holder's lock does not list its own descriptors to judge its own ballot", async (t) => {
  const shim = buildPreload(t, SHIM);
  if (shim === null) return;
  const { file, holder } = await held(t);
  holder.child.kill('SIGKILL');
  await holder.exited;
  const [, fdListings] = counted(shim, file, 'take');
  assert.equal(fdListings, 0, 'the breaker did not judge its own ballot by listing /proc/self/fd');
  assert.equal(fs.existsSync(file), false, 'the takeover released the lock');
});
