#include <signal.h>
#include <sys/sysctl.h>
#include <sys/types.h>

#include <cerrno>
#include <climits>

#include "platform.h"

namespace pidlock {

namespace {

// 1: found, 0: no such process, -1: sysctl failed.
int ProcInfo(uint32_t pid, struct kinfo_proc* info) {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_PID, static_cast<int>(pid)};
  size_t len = sizeof *info;
  if (sysctl(mib, 4, info, &len, nullptr, 0) != 0) return -1;
  return len == 0 ? 0 : 1;
}

}  // namespace

Liveness ProcessAlive(uint32_t pid) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return Liveness::kDead;
  bool denied = false;
  if (kill(static_cast<pid_t>(pid), 0) != 0) {
    if (errno == ESRCH) return Liveness::kDead;
    if (errno != EPERM) return Liveness::kUnknown;
    denied = true;
  }
  // kill() answers 0 for zombies; sysctl tells them apart without a uid check.
  struct kinfo_proc info;
  int found = ProcInfo(pid, &info);
  if (found == 0) return Liveness::kDead;
  if (found == 1 && info.kp_proc.p_stat == SZOMB) return Liveness::kDead;
  return denied ? Liveness::kUnknown : Liveness::kAlive;
}

double ProcessStartMs(uint32_t pid) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return -1;
  struct kinfo_proc info;
  if (ProcInfo(pid, &info) != 1) return -1;
  const struct timeval& tv = info.kp_proc.p_starttime;
  return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

}  // namespace pidlock
