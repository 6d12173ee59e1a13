// Waiting on the watches on POSIX: poll() on their descriptors, a timeout, and
// SIGINT/SIGTERM/SIGHUP trapped so that a blocked acquireSync() can return.
#include "wake_posix.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "unique.h"
#include "wake.h"

namespace pidlock {

namespace {

constexpr int kTrappable[] = {SIGINT, SIGTERM, SIGHUP};
constexpr int kTrappableCount = sizeof kTrappable / sizeof kTrappable[0];

// The handler can only write to a pipe (the signal may reach any thread); the
// waiting thread polls its read end. Created once and kept.
int trap_pipe[2] = {-1, -1};
volatile sig_atomic_t trap_got = 0;
std::atomic<bool> trapping{false};
// Only the trapping thread's waits watch the pipe: another thread woken by it
// would find nothing to do and spin until the trap ends.
std::thread::id trap_owner;
std::mutex trap_mu;
struct sigaction saved[kTrappableCount];
bool replaced[kTrappableCount];

void OnTrapped(int sig) {
  int e = errno;
  if (trap_got == 0) trap_got = sig;
  char b = 1;
  // A full pipe already holds a wake.
  if (write(trap_pipe[1], &b, 1) < 0) {
  }
  errno = e;
}

bool IsDefault(const struct sigaction& sa) {
  return (sa.sa_flags & SA_SIGINFO) == 0 && (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN);
}

bool IsOurs(const struct sigaction& sa) { return (sa.sa_flags & SA_SIGINFO) == 0 && sa.sa_handler == OnTrapped; }

void DrainTrapPipe() {
  char buf[64];
  while (read(trap_pipe[0], buf, sizeof buf) > 0) {
  }
}

}  // namespace

bool TrapSignals() {
  std::lock_guard<std::mutex> lock(trap_mu);
  if (trapping) return false;
  // No handler (the default action, or ignored): what happens then needs no JS,
  // and no pipe: its two descriptors, kept for good, could cost a try its answer
  // at a tight descriptor limit.
  bool wanted = false;
  for (int sig : kTrappable) {
    struct sigaction cur;
    if (sigaction(sig, nullptr, &cur) == 0 && !IsDefault(cur)) wanted = true;
  }
  if (!wanted) return false;
  if (trap_pipe[0] == -1) {
    int p[2];
    if (pipe(p) != 0) return false;
    for (int fd : p) {
      fcntl(fd, F_SETFD, FD_CLOEXEC);
      fcntl(fd, F_SETFL, O_NONBLOCK);
    }
    trap_pipe[0] = p[0];
    trap_pipe[1] = p[1];
  }
  DrainTrapPipe();
  trap_got = 0;
  struct sigaction sa = {};
  sa.sa_handler = OnTrapped;
  sigfillset(&sa.sa_mask);
  // As libuv installs its own: other threads' system calls resume.
  sa.sa_flags = SA_RESTART;
  bool any = false;
  for (int i = 0; i < kTrappableCount; i++) {
    replaced[i] = false;
    if (sigaction(kTrappable[i], &sa, &saved[i]) != 0) continue;
    if (IsDefault(saved[i])) {
      sigaction(kTrappable[i], &saved[i], nullptr);
      continue;
    }
    replaced[i] = true;
    any = true;
  }
  trap_owner = std::this_thread::get_id();
  trapping = any;
  return any;
}

int UntrapSignals() {
  std::lock_guard<std::mutex> lock(trap_mu);
  if (!trapping) return 0;
  for (int i = 0; i < kTrappableCount; i++) {
    if (!replaced[i]) continue;
    struct sigaction cur;
    // Node installed or removed its own meanwhile (a listener came or went): leave that.
    if (sigaction(kTrappable[i], nullptr, &cur) == 0 && IsOurs(cur)) sigaction(kTrappable[i], &saved[i], nullptr);
  }
  trapping = false;
  DrainTrapPipe();
  int got = trap_got;
  trap_got = 0;
  return got;
}

Woken WaitWatches(int64_t exit_w, int64_t file_w, int ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
  const int feed = file_w == kNoWatch ? -1 : FileWatchFeed(file_w);
  for (;;) {
    pollfd fds[4];
    nfds_t n = 0;
    int exit_i = -1, file_i = -1, feed_i = -1, trap_i = -1;
    if (exit_w != kNoWatch) {
      exit_i = static_cast<int>(n);
      fds[n++] = {static_cast<int>(exit_w), POLLIN, 0};
    }
    if (file_w != kNoWatch) {
      file_i = static_cast<int>(n);
      fds[n++] = {static_cast<int>(file_w & 0xffffffff), POLLIN, 0};
    }
    if (feed != -1) {
      feed_i = static_cast<int>(n);
      fds[n++] = {feed, POLLIN, 0};
    }
    if (trapping && std::this_thread::get_id() == trap_owner) {
      trap_i = static_cast<int>(n);
      fds[n++] = {trap_pipe[0], POLLIN, 0};
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left < 0) left = 0;
    int rc = poll(fds, n, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) return Woken::kTimeout;
    if (trap_i >= 0 && fds[trap_i].revents != 0) return Woken::kSignal;
    if (exit_i >= 0 && fds[exit_i].revents != 0) return Woken::kExit;
    // Readiness of the shared feed may concern other waiters' files only; then
    // this one polls again (and another thread may have emptied the feed first:
    // what it found for this watch is in this watch's own descriptor by then).
    bool fed = feed_i >= 0 && fds[feed_i].revents != 0;
    bool own = file_i >= 0 && fds[file_i].revents != 0;
    if ((fed || own) && TakeFileWatch(file_w, fed)) return Woken::kFile;
  }
}

// One thread per armed watch, blocked in poll(): it costs no CPU while it waits,
// and it keeps the addon free of libuv, whose headers the cross builds lack.
struct ExitWait {
  UniqueFd cancel_read;
  UniqueFd cancel_write;
  std::thread thread;
};

ExitWait* StartExitWait(int64_t exit_w, void (*fire)(void*), void* arg) {
  int p[2];
  if (pipe(p) != 0) return nullptr;
  auto w = std::make_unique<ExitWait>();
  w->cancel_read.reset(p[0]);
  w->cancel_write.reset(p[1]);
  fcntl(p[0], F_SETFD, FD_CLOEXEC);
  fcntl(p[1], F_SETFD, FD_CLOEXEC);
  int fd = static_cast<int>(exit_w);
  int cancel = p[0];
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
    return nullptr;
  }
  return w.release();
}

void CancelExitWait(ExitWait* w) {
  if (w == nullptr) return;
  std::unique_ptr<ExitWait> owned(w);
  char b = 1;
  while (write(w->cancel_write.get(), &b, 1) < 0 && errno == EINTR) {
  }
  if (w->thread.joinable()) w->thread.join();
}

void CloseExitWatch(int64_t w) {
  if (w != kNoWatch) UniqueFd(static_cast<int>(w)).reset();
}

}  // namespace pidlock
