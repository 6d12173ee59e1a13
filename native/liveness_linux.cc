// Linux liveness: whether a PID is a running process (not a zombie or a thread),
// and its start time, from /proc when /proc is our PID namespace's.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "liveness_posix.h"
#include "platform.h"
#include "unique.h"

namespace pidlock {

namespace {

double Ms(const timespec& ts) { return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6; }

// /proc describes the PID namespace of whoever mounted it. In a chroot or a
// minimal container it may be missing, and after `unshare -fp` without
// --mount-proc it is the host's, where /proc/<n> is some other process than our
// PID n. Only a /proc whose "self" names our own PID speaks about our PIDs.
// The mount does not change under a running process in any case we support, so
// one look per process is enough.
bool ProcIsOurs() {
  static std::atomic<int> cached{-1};
  int v = cached.load(std::memory_order_relaxed);
  if (v < 0) {
    char link[32];
    ssize_t n = readlink("/proc/self", link, sizeof link - 1);
    char want[32];
    int len = snprintf(want, sizeof want, "%d", static_cast<int>(getpid()));
    v = n == len && memcmp(link, want, static_cast<size_t>(len)) == 0 ? 1 : 0;
    cached.store(v, std::memory_order_relaxed);
  }
  return v == 1;
}

// Fields of /proc/<pid>/stat, numbered as in proc(5).
struct Stat {
  char state = 0;                // 3
  unsigned long long start = 0;  // 22: starttime, in clock ticks since boot
  long exit_signal = 0;          // 38
};

// The command name (field 2) may hold spaces and ')': fields are counted after the last ')'.
bool ParseStat(const char* buf, Stat* out) {
  const char* p = strrchr(buf, ')');
  if (p == nullptr) return false;
  p++;
  for (int field = 3; field <= 38; field++) {
    while (*p == ' ') p++;
    if (*p == '\0' || *p == '\n') return false;
    char* end = nullptr;
    if (field == 3) {
      out->state = *p;
    } else if (field == 22) {
      out->start = strtoull(p, &end, 10);
      if (end == p) return false;
    } else if (field == 38) {
      out->exit_signal = strtol(p, &end, 10);
      return end != p;
    }
    while (*p != ' ' && *p != '\0') p++;
  }
  return false;
}

// One read() of the file's start: the bytes read, or -errno.
ssize_t ReadSome(const char* path, char* buf, size_t size) {
  UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return -errno;
  ssize_t n = read(fd.get(), buf, size);
  return n < 0 ? -errno : n;
}

std::optional<double> BootTicksToMs(unsigned long long ticks) {
  long hz = sysconf(_SC_CLK_TCK);
  timespec boot, real;
  if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || clock_gettime(CLOCK_REALTIME, &real) != 0) {
    return std::nullopt;
  }
  // starttime counts on the boot clock; /proc/stat's btime would only give whole seconds.
  return Ms(real) - (Ms(boot) - ticks * 1000.0 / hz);
}

}  // namespace

ProcessInfo ProbeProcess(uint32_t pid) {
  ProcessInfo info;
  bool denied;
  if (!KillAnswers(pid, &info, &denied)) return info;
  const bool self = static_cast<pid_t>(pid) == getpid();
  // What kill() says, unrefined: a process, a zombie or a thread id of one.
  const std::optional<bool> by_kill = self || !denied ? std::optional<bool>(true) : std::nullopt;
  if (!ProcIsOurs()) {
    info.alive = by_kill;
    return info;
  }
  // One read has all we need: the state (zombies), exit_signal (thread ids) and
  // the start time. status would need a second file for the start time.
  char path[48];
  char buf[1024];
  snprintf(path, sizeof path, "/proc/%u/stat", pid);
  ssize_t n = ReadSome(path, buf, sizeof buf - 1);
  Stat st;
  if (n <= 0 || (buf[n] = '\0', !ParseStat(buf, &st))) {
    // No entry in a /proc that is ours: the PID is gone (it died after kill()).
    // Under hidepid=2 another user's live process is invisible, which kill()'s
    // EPERM gives away. Any other failure proves nothing.
    const bool gone = n == -ENOENT && !denied;
    if (self || gone) info.alive = self;
    return info;
  }
  info.start_ms = BootTicksToMs(st.start);
  if (self) {
    info.alive = true;
  } else if (st.state == 'Z' || st.state == 'X') {
    info.alive = false;
  } else if (st.exit_signal == -1) {
    // kill() accepts the id of any thread, and /proc/<tid> exists for it though
    // /proc does not list it. Only threads made with CLONE_THREAD have exit_signal
    // -1: a group leader has SIGCHLD (or 0 if cloned without a signal), and a
    // thread that execs becomes the leader with SIGCHLD. So -1 means "a thread of
    // another process", which names no process at all. Checked on 6.18: a Node
    // worker's tid reads -1 here, its process 17.
    info.alive = false;
  } else {
    info.alive = by_kill;
  }
  return info;
}

}  // namespace pidlock
