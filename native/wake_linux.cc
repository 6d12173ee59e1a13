// Linux watches: a pidfd for the holder's exit, and one inotify instance per
// process on the lock files' inodes, shared by its waiters (an eventfd each).
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "unique.h"
#include "wake.h"
#include "wake_posix.h"

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

namespace {

// The lock file's own inode, not its directory: other entries of the directory
// changing wake nobody. Unlinking the file or renaming another over it changes
// its link count (IN_ATTRIB); moving it away is IN_MOVE_SELF. A watch added
// before the waiter's look fires for any later change of that inode, and the
// look sees every earlier one, so no change falls between.
constexpr uint32_t kFileEvents = IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_DONT_FOLLOW;

// One inotify instance for the whole process, whatever its number of waiting
// threads: instances are few per user (fs.inotify.max_user_instances, 128 by
// default, shared with everything that user runs), watches are many. Each
// waiter gets an eventfd of its own, which the thread that reads the instance
// writes to: the instance's readiness is seen by every waiter polling it, but
// only one of them finds the events, and the others' eventfds keep what it
// found for them, so no wake is lost between two threads.
struct Hub {
  std::mutex mu;
  UniqueFd fd;
  std::unordered_map<int, std::vector<int>> waiters_of;  // wd -> eventfds
  std::unordered_map<int, int> wd_of;                    // eventfd -> wd, -1 once the kernel dropped it
};

// Never destroyed: a thread may still wait in it while the process exits.
Hub& hub() {
  static Hub* h = new Hub();
  return *h;
}

void Ring(int efd) {
  uint64_t one = 1;
  // A full counter already holds a wake.
  if (write(efd, &one, sizeof one) < 0) {
  }
}

// Hands out what the instance holds; with h.mu held.
void Pump(Hub& h) {
  alignas(inotify_event) char buf[4096];
  for (;;) {
    ssize_t n = read(h.fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        // Events were lost: any file may have changed unseen.
        for (auto& [efd, wd] : h.wd_of) Ring(efd);
        continue;
      }
      auto it = h.waiters_of.find(ev->wd);
      if (it == h.waiters_of.end()) continue;
      for (int efd : it->second) Ring(efd);
      if (ev->mask & IN_IGNORED) {
        // The inode is gone and its watch with it; its number may be handed out again.
        for (int efd : it->second) h.wd_of[efd] = -1;
        h.waiters_of.erase(it);
      }
    }
  }
}

// Closing an inotify instance waits for an SRCU grace period in the kernel,
// 10-20 ms, which would come right after the last waiter got the lock. Nothing
// depends on the close, so another thread waits for it.
void CloseLater(UniqueFd fd) {
  int raw = fd.release();
  try {
    std::thread([raw] { UniqueFd(raw).reset(); }).detach();
  } catch (...) {
    UniqueFd(raw).reset();
  }
}

}  // namespace

int OpenFileWatch(const std::string& path, int64_t* out) {
  UniqueFd efd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!efd) return -1;
  Hub& h = hub();
  std::lock_guard<std::mutex> lock(h.mu);
  const bool fresh = !h.fd;
  if (fresh) {
    h.fd.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!h.fd) return -1;
  }
  // The same inode gives the same number to every waiter: they share the watch.
  int wd = inotify_add_watch(h.fd.get(), path.c_str(), kFileEvents);
  if (wd < 0) {
    int e = errno;
    if (fresh) CloseLater(std::move(h.fd));
    return e == ENOENT || e == ENOTDIR ? 0 : -1;
  }
  h.waiters_of[wd].push_back(efd.get());
  h.wd_of[efd.get()] = wd;
  *out = efd.release();
  return 1;
}

void CloseFileWatch(int64_t w, bool now) {
  if (w == kNoWatch) return;
  UniqueFd efd(static_cast<int>(w));
  Hub& h = hub();
  std::lock_guard<std::mutex> lock(h.mu);
  auto it = h.wd_of.find(efd.get());
  if (it == h.wd_of.end()) return;
  int wd = it->second;
  h.wd_of.erase(it);
  auto watch = h.waiters_of.find(wd);
  if (watch != h.waiters_of.end()) {
    auto& list = watch->second;
    for (auto i = list.begin(); i != list.end(); ++i) {
      if (*i == efd.get()) {
        list.erase(i);
        break;
      }
    }
    if (list.empty()) {
      inotify_rm_watch(h.fd.get(), wd);
      h.waiters_of.erase(watch);
    }
  }
  // The last waiter of the process gives the instance back to the user's budget.
  if (h.wd_of.empty()) {
    h.waiters_of.clear();
    if (now)
      h.fd.reset();
    else
      CloseLater(std::move(h.fd));
  }
}

int FileWatchFeed(int64_t) {
  Hub& h = hub();
  std::lock_guard<std::mutex> lock(h.mu);
  return h.fd.get();
}

bool TakeFileWatch(int64_t w, bool fed) {
  if (fed) {
    Hub& h = hub();
    std::lock_guard<std::mutex> lock(h.mu);
    Pump(h);
  }
  uint64_t count;
  return read(static_cast<int>(w), &count, sizeof count) == sizeof count;
}

}  // namespace pidlock
