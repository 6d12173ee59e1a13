#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "platform.h"

namespace pidlock {

namespace {

// Reads up to size-1 bytes of a /proc file; returns -1 with errno set.
ssize_t ReadProc(const char* path, char* buf, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, size - 1);
  int saved = errno;
  close(fd);
  errno = saved;
  if (n >= 0) buf[n] = '\0';
  return n;
}

double Ms(const timespec& ts) { return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6; }

}  // namespace

Liveness ProcessAlive(uint32_t pid) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return Liveness::kDead;  // no pid_t can name it
  bool denied = false;
  if (kill(static_cast<pid_t>(pid), 0) != 0) {
    if (errno == ESRCH) return Liveness::kDead;
    if (errno != EPERM) return Liveness::kUnknown;
    denied = true;  // it exists, but we may not signal it
  }
  // kill() succeeds on zombies and on thread ids of other processes; the status
  // file tells both apart. State and Tgid sit in its first lines.
  char path[48];
  char buf[512];
  snprintf(path, sizeof path, "/proc/%u/status", pid);
  if (ReadProc(path, buf, sizeof buf) < 0) {
    // Under hidepid=2 another user's process is invisible here yet alive.
    if (errno == ENOENT && !denied) return Liveness::kDead;
    return denied ? Liveness::kUnknown : Liveness::kAlive;
  }
  const char* state = strstr(buf, "\nState:");
  if (state != nullptr) {
    state += 7;
    while (*state == ' ' || *state == '\t') state++;
    if (*state == 'Z' || *state == 'X') return Liveness::kDead;
  }
  const char* tgid = strstr(buf, "\nTgid:");
  if (tgid != nullptr && strtoul(tgid + 6, nullptr, 10) != pid) return Liveness::kDead;
  return denied ? Liveness::kUnknown : Liveness::kAlive;
}

double ProcessStartMs(uint32_t pid) {
  char path[48];
  char buf[1024];
  snprintf(path, sizeof path, "/proc/%u/stat", pid);
  if (ReadProc(path, buf, sizeof buf) <= 0) return -1;
  // The command name may hold spaces and ')': fields are counted after the last ')'.
  const char* p = strrchr(buf, ')');
  if (p == nullptr) return -1;
  p++;
  // Field 22 (starttime) is the 20th field after the command name.
  for (int field = 3; field < 22; field++) {
    while (*p == ' ') p++;
    while (*p != ' ' && *p != '\0') p++;
    if (*p == '\0') return -1;
  }
  char* end = nullptr;
  unsigned long long ticks = strtoull(p, &end, 10);
  if (end == p) return -1;
  long hz = sysconf(_SC_CLK_TCK);
  timespec boot, real;
  if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0 || clock_gettime(CLOCK_REALTIME, &real) != 0) {
    return -1;
  }
  // starttime counts on the boot clock; /proc/stat's btime would only give whole seconds.
  return Ms(real) - (Ms(boot) - ticks * 1000.0 / hz);
}

}  // namespace pidlock
