#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>
#include <thread>

#include "wake.h"

namespace pidlock {

Woken WaitWatches(int64_t exit_w, int64_t dir_w, const std::string& name, int ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    pollfd fds[2];
    nfds_t n = 0;
    if (exit_w != kNoWatch) fds[n++] = {static_cast<int>(exit_w), POLLIN, 0};
    if (dir_w != kNoWatch) fds[n++] = {static_cast<int>(dir_w), POLLIN, 0};
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) left = 0;
    int rc = poll(fds, n, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return Woken::kTimeout;
    if (exit_w != kNoWatch && fds[0].revents != 0) return Woken::kExit;
    // Other entries of the directory changing is no reason to look again.
    if (DirEventMatches(static_cast<int>(dir_w), name)) return Woken::kDir;
  }
}

// One thread per armed watch, blocked in poll(): it costs no CPU while it waits,
// and it keeps the addon free of libuv, whose headers the cross builds lack.
struct ExitWait {
  int wake_pipe[2] = {-1, -1};
  std::thread thread;
};

ExitWait* StartExitWait(int64_t exit_w, void (*fire)(void*), void* arg) {
  auto* w = new ExitWait();
  if (pipe(w->wake_pipe) != 0) {
    delete w;
    return nullptr;
  }
  fcntl(w->wake_pipe[0], F_SETFD, FD_CLOEXEC);
  fcntl(w->wake_pipe[1], F_SETFD, FD_CLOEXEC);
  int fd = static_cast<int>(exit_w);
  int cancel = w->wake_pipe[0];
  try {
    w->thread = std::thread([fd, cancel, fire, arg] {
      for (;;) {
        pollfd fds[2] = {{fd, POLLIN, 0}, {cancel, POLLIN, 0}};
        int rc = poll(fds, 2, -1);
        if (rc < 0 && errno == EINTR) continue;
        if (rc > 0 && fds[1].revents == 0 && fds[0].revents != 0) fire(arg);
        return;
      }
    });
  } catch (const std::system_error&) {
    // Out of threads (RLIMIT_NPROC): no wake, the caller's timer remains.
    close(w->wake_pipe[0]);
    close(w->wake_pipe[1]);
    delete w;
    return nullptr;
  }
  return w;
}

void CancelExitWait(ExitWait* w) {
  if (w == nullptr) return;
  char b = 1;
  while (write(w->wake_pipe[1], &b, 1) < 0 && errno == EINTR) {
  }
  if (w->thread.joinable()) w->thread.join();
  close(w->wake_pipe[0]);
  close(w->wake_pipe[1]);
  delete w;
}

void CloseExitWatch(int64_t w) {
  if (w != kNoWatch) close(static_cast<int>(w));
}

void CloseDirWatch(int64_t w) {
  if (w == kNoWatch) return;
  // Closing an inotify instance waits for an SRCU grace period in the kernel,
  // 10-20 ms, which would come right after the waiter got the lock. Nothing
  // depends on the close, so another thread waits for it.
  int fd = static_cast<int>(w);
  try {
    std::thread([fd] { close(fd); }).detach();
  } catch (...) {
    close(fd);
  }
}

}  // namespace pidlock
