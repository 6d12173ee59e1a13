/*
 * The lock calls that the C floors (floor.c, floor-wake.c) make as the native
 * backend makes them, so that a floor row and pidlock's row differ only by
 * what is not a system call. Linux only.
 */
#ifndef PIDLOCK_BENCH_FLOOR_CALLS_H
#define PIDLOCK_BENCH_FLOOR_CALLS_H

/* The includer defines _GNU_SOURCE first (statx, O_TMPFILE). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define FLOOR_STATX_MASK (STATX_TYPE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME)

static int alive_once(pid_t pid) { return kill(pid, 0) == 0 || errno == EPERM ? 0 : -1; }

/* kill(pid, 0), then one read of a /proc file into buf (NUL-terminated): what a
 * liveness check pays. -1 with errno ESRCH (kill) or ENOENT (open) when the
 * process is gone. */
static int alive_and_read(pid_t pid, const char *path, char *buf, size_t size) {
  if (alive_once(pid) != 0) return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  if (n <= 0) return -1;
  buf[n] = '\0';
  return 0;
}

/* The look's first two calls, as both backends make them: the open that never
 * follows a link or blocks on a FIFO, and the identity from that descriptor.
 * The descriptor, or -1 (closed) when either call failed. */
static int open_and_stat(const char *path) {
  struct statx sx;
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0 && statx(fd, "", AT_EMPTY_PATH, FLOOR_STATX_MASK, &sx) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* The native backend's publish: an unnamed inode, locked, written, then named.
 * The named descriptor (its inode in *ino), or -1. */
static int publish_fd(const char *dir, const char *path, const char *content, size_t len, unsigned long long *ino) {
#ifdef O_TMPFILE
  struct statx sx;
  int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  if (flock(fd, LOCK_EX | LOCK_NB) != 0 || write(fd, content, len) != (ssize_t)len ||
      statx(fd, "", AT_EMPTY_PATH, FLOOR_STATX_MASK, &sx) != 0) {
    close(fd);
    return -1;
  }
  /* The addon falls back to /proc/self/fd/N where AT_EMPTY_PATH needs a privilege (Linux < 6.10). */
  if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) != 0) {
    char proc[40];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0) {
      close(fd);
      return -1;
    }
  }
  *ino = sx.stx_ino;
  return fd;
#else
  (void)dir, (void)path, (void)content, (void)len, (void)ino;
  errno = ENOSYS;
  return -1;
#endif
}

/* The native backend's release: is the name still our inode? unlink, then close. */
static int release_fd(const char *path, int fd, unsigned long long ino) {
  struct statx now;
  if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, FLOOR_STATX_MASK, &now) != 0 || now.stx_ino != ino || unlink(path) != 0) {
    close(fd);
    return -1;
  }
  return close(fd);
}

#endif
