/*
 * Floors for waking a waiter: what a waiter with no runtime at all sees.
 *
 *   floor-wake exit PID        pidfd_open(PID), then poll until it is readable: the
 *                              moment the holder's exit becomes visible (its teardown)
 *   floor-wake takeover PID LOCK  the same wait, then the native backend's takeover of
 *                              the dead holder's LOCK, call for call: the look and
 *                              kill(PID, 0); a ballot published like a lock; the look
 *                              and kill again; unlink; the directory listed; the lock's
 *                              name looked up; the ballot released; the lock published
 *   floor-wake dir DIR NAME    inotify on DIR until NAME is deleted or renamed away
 *   floor-wake hold PATH       creates PATH (O_EXCL) and holds its flock like a native holder,
 *                              prints {"event":"held"}; on SIGUSR2 releases it with the calls
 *                              of release() (lstat, unlink, close) and prints
 *                              {"event":"released","at":"<ns>","done":"<ns>"}, as
 *                              bench/workers/holder.js does; then waits to be killed
 *
 * Prints {"event":"waiting"} once watching, then {"event":"acquired","at":"<ns>"}
 * on CLOCK_MONOTONIC (the clock of Node's process.hrtime), like bench/workers/waiter.js.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "floor-calls.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void report(void) {
  printf("{\"event\":\"acquired\",\"at\":\"%lld\"}\n", now_ns());
  fflush(stdout);
}

static void waiting(void) {
  printf("{\"event\":\"waiting\"}\n");
  fflush(stdout);
}

/* Whether the holder is dead as the addon's probe decides it: kill(pid, 0) says
 * gone, or, while its parent has not reaped it yet, /proc/<pid>/stat says zombie. */
static int holder_dead(pid_t holder) {
  char path[48], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)holder);
  errno = 0;
  if (alive_and_read(holder, path, buf, sizeof buf) != 0) return errno == ESRCH || errno == ENOENT;
  const char *p = strrchr(buf, ')');
  return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

/* The look at a dead holder's lock: the kernel lock is free (flock granted and
 * dropped with the close), and its PID is gone. */
static int look_dead(const char *lock, pid_t holder) {
  char head[64];
  int fd = open_and_stat(lock);
  if (fd < 0) return -1;
  int rc = pread(fd, head, sizeof head, 0) > 0 && flock(fd, LOCK_SH | LOCK_NB) == 0 ? 0 : -1;
  close(fd);
  return rc == 0 && holder_dead(holder) ? 0 : -1;
}

/* What breakStale() and the publish after it ask of the kernel, in their order. */
static int take_over(pid_t holder, const char *lock) {
  char dir[4096], ballot[4200], content[32];
  snprintf(dir, sizeof dir, "%s", lock);
  dirname(dir);
  snprintf(ballot, sizeof ballot, "%s.break.floor.1", lock);
  size_t len = (size_t)snprintf(content, sizeof content, "%d\n", (int)getpid());
  unsigned long long ballot_ino, lock_ino;
  if (look_dead(lock, holder) != 0) return -1;
  int vote = publish_fd(dir, ballot, content, len, &ballot_ino);
  if (vote < 0 || look_dead(lock, holder) != 0 || unlink(lock) != 0) return -1;
  /* Litter collection: the directory listed, and the lock's name looked up again. */
  struct statx sx;
  DIR *d = statx(AT_FDCWD, dir, 0, STATX_ALL, &sx) == 0 ? opendir(dir) : NULL;
  if (d == NULL) return -1;
  while (readdir(d) != NULL) {
  }
  closedir(d);
  if (open_and_stat(lock) >= 0 || errno != ENOENT) return -1;
  if (release_fd(ballot, vote, ballot_ino) != 0) return -1;
  return publish_fd(dir, lock, content, len, &lock_ino) < 0 ? -1 : 0;
}

/* Until the holder's exit is visible through its pidfd. */
static int wait_exit(pid_t holder) {
  int fd = (int)syscall(SYS_pidfd_open, holder, 0);
  if (fd < 0) {
    perror("pidfd_open");
    return -1;
  }
  waiting();
  struct pollfd p = {fd, POLLIN, 0};
  while (poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) {
    if (wait_exit((pid_t)atol(argv[2])) != 0) return 1;
    report();
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "takeover") == 0) {
    if (wait_exit((pid_t)atol(argv[2])) != 0) return 1;
    if (take_over((pid_t)atol(argv[2]), argv[3]) != 0) {
      perror("takeover");
      return 1;
    }
    report();
    return 0;
  }
  if (argc == 4 && strcmp(argv[1], "dir") == 0) {
    int fd = inotify_init1(IN_CLOEXEC);
    if (fd < 0 || inotify_add_watch(fd, argv[2], IN_DELETE | IN_MOVED_FROM) < 0) {
      perror("inotify");
      return 1;
    }
    waiting();
    char buf[4096] __attribute__((aligned(8)));
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 1;
      for (char *q = buf; q < buf + n;) {
        struct inotify_event *ev = (struct inotify_event *)q;
        if (ev->len > 0 && strcmp(ev->name, argv[3]) == 0) {
          report();
          return 0;
        }
        q += sizeof *ev + ev->len;
      }
    }
  }
  if (argc == 3 && strcmp(argv[1], "hold") == 0) {
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    int fd = open(argv[2], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    char pid[24];
    int len = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || write(fd, pid, (size_t)len) != len) {
      perror("hold");
      return 1;
    }
    printf("{\"event\":\"held\",\"pid\":%d}\n", (int)getpid());
    fflush(stdout);
    int sig;
    sigwait(&usr2, &sig);
    long long at = now_ns();
    struct stat st;
    if (lstat(argv[2], &st) != 0 || unlink(argv[2]) != 0 || close(fd) != 0) {
      perror("release");
      return 1;
    }
    long long done = now_ns();
    printf("{\"event\":\"released\",\"at\":\"%lld\",\"done\":\"%lld\"}\n", at, done);
    fflush(stdout);
    pause();
    return 0;
  }
  fprintf(stderr, "usage: floor-wake exit PID | floor-wake takeover PID LOCK | floor-wake dir DIR NAME | floor-wake hold PATH\n");
  return 2;
}
