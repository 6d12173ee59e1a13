// macOS liveness: whether a PID is a running process, and its start time
// (sysctl KERN_PROC_PID).
#include <sys/sysctl.h>
#include <sys/types.h>

#include "liveness_posix.h"
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

ProcessInfo ProbeProcess(uint32_t pid) {
  ProcessInfo out;
  bool denied;
  if (!KillAnswers(pid, &out, &denied)) return out;
  // kill() answers 0 for zombies; sysctl tells them apart without a uid check,
  // and the same answer carries the start time.
  struct kinfo_proc info;
  int found = ProcInfo(pid, &info);
  if (found == 0) {
    out.alive = false;
    return out;
  }
  if (found == 1) {
    const struct timeval& tv = info.kp_proc.p_starttime;
    out.start_ms = tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
    if (info.kp_proc.p_stat == SZOMB) {
      out.alive = false;
      return out;
    }
  }
  if (!denied) out.alive = true;
  return out;
}

}  // namespace pidlock
