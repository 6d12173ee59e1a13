// kill(pid, 0): the first question about a PID on every POSIX system, before
// each system's own way of telling zombies, threads and start times apart.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <cerrno>
#include <climits>
#include <cstdint>

#include "platform.h"

namespace pidlock {

// false: kill()'s answer is final and *out holds it (no such process, or an
// error that proves nothing). true: the PID names something, and *denied says
// whether we may not signal it (it exists, but is another user's).
inline bool KillAnswers(uint32_t pid, ProcessInfo* out, bool* denied) {
  *denied = false;
  if (pid > static_cast<uint32_t>(INT_MAX)) {  // no pid_t can name it
    out->alive = false;
    return false;
  }
  if (kill(static_cast<pid_t>(pid), 0) == 0) return true;
  if (errno == ESRCH) out->alive = false;
  if (errno != EPERM) return false;
  *denied = true;
  return true;
}

}  // namespace pidlock
