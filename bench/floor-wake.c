/*
 * Floors for waking a waiter: what a waiter with no runtime at all sees.
 *
 *   floor-wake exit PID        pidfd_open(PID), then poll until it is readable: the
 *                              moment the holder's exit becomes visible (its teardown)
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
#include <errno.h>
#include <fcntl.h>
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

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) {
    int fd = (int)syscall(SYS_pidfd_open, (pid_t)atol(argv[2]), 0);
    if (fd < 0) {
      perror("pidfd_open");
      return 1;
    }
    waiting();
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR) {
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
  fprintf(stderr, "usage: floor-wake exit PID | floor-wake dir DIR NAME | floor-wake hold PATH\n");
  return 2;
}
