/*
 * The physical floor the JS numbers are compared with: the same syscalls a
 * minimal PID-file lock needs, with no runtime in between.
 *
 *   floor cycle DIR ITERS BATCHES   open(O_CREAT|O_EXCL), write(pid), close, unlink
 *   floor alive PID ITERS BATCHES   kill(pid, 0)
 *   floor status PID ITERS BATCHES  kill(pid, 0) + read /proc/<pid>/status, which is
 *                                   what a zombie- and thread-id-aware check costs
 *   floor stat PID ITERS BATCHES    kill(pid, 0) + one read of /proc/<pid>/stat, parsed
 *                                   for state, start time and exit_signal: all that
 *                                   judging an owner needs
 *   floor look FILE ITERS BATCHES   open, statx, pread, flock(LOCK_SH|LOCK_NB), close:
 *                                   everything a refused poll needs to see a live
 *                                   holder's lock (FILE is held with LOCK_EX)
 *   floor publish DIR ITERS BATCHES the native backend's calls for tryAcquire()+release():
 *                                   open(DIR, O_TMPFILE), flock(LOCK_EX|LOCK_NB), write,
 *                                   statx, linkat; statx(path), unlink, close
 *   floor jslook FILE ITERS BATCHES the JS backend's calls for a refused poll, which has
 *                                   no kernel lock to look at: open, statx, pread, close,
 *                                   then the owner's kill(pid, 0) + /proc/<pid>/stat read
 *
 * Prints one JSON line: nanoseconds per operation for each batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "floor-calls.h"

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cycle_once(const char *path, const char *content, size_t len) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (write(fd, content, len) != (ssize_t)len) return -1;
  if (close(fd) != 0) return -1;
  return unlink(path);
}

static int status_once(pid_t pid, const char *path) {
  char buf[512];
  if (alive_and_read(pid, path, buf, sizeof buf) != 0) return -1;
  /* The same two lookups the addon does, so the parse is counted too. */
  return strstr(buf, "\nState:") != NULL && strstr(buf, "\nTgid:") != NULL ? 0 : -1;
}

static int stat_once(pid_t pid, const char *path) {
  char buf[1024];
  if (alive_and_read(pid, path, buf, sizeof buf) != 0) return -1;
  /* The same walk the addon does: fields 3 (state), 22 (starttime), 38 (exit_signal). */
  const char *p = strrchr(buf, ')');
  if (p == NULL) return -1;
  p++;
  char state = 0;
  unsigned long long start = 0;
  for (int field = 3; field <= 38; field++) {
    while (*p == ' ') p++;
    if (field == 3) state = *p;
    if (field == 22) start = strtoull(p, NULL, 10);
    if (field == 38) return state != 'Z' && start > 0 && strtol(p, NULL, 10) != -1 ? 0 : -1;
    while (*p != ' ' && *p != '\0') p++;
  }
  return -1;
}

static int look_once(const char *path) {
  char head[64];
  int fd = open_and_stat(path);
  if (fd < 0) return -1;
  int rc = pread(fd, head, sizeof head, 0) > 0 ? 0 : -1;
  /* The holder's exclusive lock makes this fail: that failure is the answer. */
  if (rc == 0 && (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK)) rc = -1;
  close(fd);
  return rc;
}

/* The native backend's tryAcquire()+release(): publish, then release (floor-calls.h). */
static int publish_once(const char *dir, const char *path, const char *content, size_t len) {
  unsigned long long ino;
  int fd = publish_fd(dir, path, content, len, &ino);
  return fd < 0 ? -1 : release_fd(path, fd, ino);
}

/* The JS backend's refused poll: read the lock (no flock: Node has none), then
 * judge its owner with kill() and one /proc/<pid>/stat read, as probe() does. */
static int jslook_once(const char *path) {
  char head[64];
  int fd = open_and_stat(path);
  if (fd < 0) return -1;
  ssize_t n = pread(fd, head, sizeof head - 1, 0);
  close(fd);
  if (n <= 0) return -1;
  head[n] = '\0';
  pid_t pid = (pid_t)atol(head);
  char proc[48];
  snprintf(proc, sizeof proc, "/proc/%d/stat", (int)pid);
  return pid > 0 ? stat_once(pid, proc) : -1;
}

static const char *dir;

static int once(int which, pid_t pid, const char *path, const char *content, size_t len) {
  switch (which) {
    case 0: return cycle_once(path, content, len);
    case 1: return alive_once(pid);
    case 2: return status_once(pid, path);
    case 3: return stat_once(pid, path);
    case 4: return look_once(path);
    case 5: return publish_once(dir, path, content, len);
    default: return jslook_once(path);
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: floor cycle|publish|alive|status|stat|look|jslook DIR|PID|FILE ITERS BATCHES\n");
    return 2;
  }
  const char *mode = argv[1];
  long iters = atol(argv[3]);
  long batches = atol(argv[4]);
  char path[4096];
  char content[32];
  size_t len = (size_t)snprintf(content, sizeof content, "%d\n", (int)getpid());
  pid_t pid = 0;
  int which;
  if (strcmp(mode, "cycle") == 0) {
    which = 0;
    snprintf(path, sizeof path, "%s/floor.lock", argv[2]);
  } else if (strcmp(mode, "alive") == 0 || strcmp(mode, "status") == 0 || strcmp(mode, "stat") == 0) {
    which = mode[0] == 'a' ? 1 : strcmp(mode, "status") == 0 ? 2 : 3;
    pid = (pid_t)atol(argv[2]);
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, which == 3 ? "stat" : "status");
  } else if (strcmp(mode, "look") == 0 || strcmp(mode, "jslook") == 0) {
    which = mode[0] == 'l' ? 4 : 6;
    snprintf(path, sizeof path, "%s", argv[2]);
  } else if (strcmp(mode, "publish") == 0) {
    which = 5;
    dir = argv[2];
    snprintf(path, sizeof path, "%s/floor.lock", argv[2]);
  } else {
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  /* Warm-up: the first operations pay for dentry and page-cache misses. */
  for (long i = 0; i < iters / 4 + 1; i++) {
    int rc = once(which, pid, path, content, len);
    if (rc != 0) {
      perror(mode);
      return 1;
    }
  }
  printf("{\"nsPerOp\":[");
  for (long b = 0; b < batches; b++) {
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
      int rc = once(which, pid, path, content, len);
      if (rc != 0) {
        perror(mode);
        return 1;
      }
    }
    printf("%s%.1f", b ? "," : "", (now_ns() - t0) / iters);
  }
  printf("]}\n");
  return 0;
}
