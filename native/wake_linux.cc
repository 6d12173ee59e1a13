// Linux watches: a pidfd for the holder's exit, inotify for the lock's
// directory, waited on by the POSIX code in wake_posix.cc.
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "wake.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434  // the same number on every architecture
#endif

namespace pidlock {

int OpenExitWatch(uint32_t pid, int64_t* out) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return 0;
  // Through syscall(): the glibc wrapper would raise the binary's glibc floor to 2.36.
  long fd = syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0);
  if (fd >= 0) {
    // A pidfd is close-on-exec from birth and names this process even if the PID is reused.
    *out = fd;
    return 1;
  }
  // ENOSYS: kernel < 5.3; EINVAL/ENOENT: a thread id, not a process.
  return errno == ESRCH ? 0 : -1;
}

int OpenDirWatch(const std::string& dir, int64_t* out) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return -1;
  if (inotify_add_watch(fd, dir.c_str(), IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR) < 0) {
    close(fd);
    return -1;
  }
  *out = fd;
  return 1;
}

bool DirEventMatches(int fd, const std::string& name) {
  alignas(inotify_event) char buf[4096];
  bool hit = false;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return hit;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      // A lost queue or a vanished directory: the lock may have changed unseen.
      if (ev->mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED))
        hit = true;
      else if (ev->len > 0 && strcmp(ev->name, name.c_str()) == 0)
        hit = true;
      p += sizeof(inotify_event) + ev->len;
    }
  }
}

}  // namespace pidlock
