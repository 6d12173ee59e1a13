// Windows liveness: whether a PID is a running process, and its start time,
// from a process handle.
#include <windows.h>

#include "platform.h"
#include "unique.h"
#include "win_util.h"

namespace pidlock {

// LIMITED access is granted for elevated processes of the same user and for
// protected ones, where PROCESS_QUERY_INFORMATION (what libuv asks) is denied.
static const DWORD kAccess = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE;

ProcessInfo ProbeProcess(uint32_t pid) {
  ProcessInfo out;
  UniqueHandle h(OpenProcess(kAccess, FALSE, pid));
  if (!h) {
    DWORD e = GetLastError();
    if (pid == GetCurrentProcessId())
      out.alive = true;
    else if (e == ERROR_INVALID_PARAMETER)
      out.alive = false;  // no such process
    // else ACCESS_DENIED: it exists but cannot be checked
    return out;
  }
  // The exit code cannot tell a live process from one that exited with 259
  // (STILL_ACTIVE); the process object's signalled state can.
  DWORD w = WaitForSingleObject(h.get(), 0);
  if (w == WAIT_TIMEOUT || pid == GetCurrentProcessId()) {
    out.alive = true;
    FILETIME creation, exit_time, kernel, user;
    if (GetProcessTimes(h.get(), &creation, &exit_time, &kernel, &user))
      out.start_ms = FileTime100ns(creation) / 10000.0;
  } else if (w == WAIT_OBJECT_0) {
    // Exited, its PID kept by someone's open handle. It has times, but it is
    // not running: no start time, as for a PID nobody uses.
    out.alive = false;
  }
  return out;
}

}  // namespace pidlock
