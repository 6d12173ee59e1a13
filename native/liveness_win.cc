#include <windows.h>

#include "platform.h"
#include "win_util.h"

namespace pidlock {

// LIMITED access is granted for elevated processes of the same user and for
// protected ones, where PROCESS_QUERY_INFORMATION (what libuv asks) is denied.
static const DWORD kAccess = PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE;

Liveness ProcessAlive(uint32_t pid) {
  if (pid == GetCurrentProcessId()) return Liveness::kAlive;
  HANDLE h = OpenProcess(kAccess, FALSE, pid);
  if (h == nullptr) {
    DWORD e = GetLastError();
    if (e == ERROR_INVALID_PARAMETER) return Liveness::kDead;  // no such process
    return Liveness::kUnknown;  // ACCESS_DENIED: it exists but cannot be checked
  }
  // The exit code cannot tell a live process from one that exited with 259
  // (STILL_ACTIVE); the process object's signalled state can.
  DWORD w = WaitForSingleObject(h, 0);
  CloseHandle(h);
  if (w == WAIT_TIMEOUT) return Liveness::kAlive;
  if (w == WAIT_OBJECT_0) return Liveness::kDead;  // exited, PID kept by an open handle
  return Liveness::kUnknown;
}

double ProcessStartMs(uint32_t pid) {
  HANDLE h = OpenProcess(kAccess, FALSE, pid);
  if (h == nullptr) return -1;
  FILETIME creation, exit_time, kernel, user;
  // An exited process whose object someone's open handle keeps around still has
  // times, but it is not running: no start time, as for a PID nobody uses.
  bool running = WaitForSingleObject(h, 0) == WAIT_TIMEOUT;
  BOOL ok = running && GetProcessTimes(h, &creation, &exit_time, &kernel, &user);
  CloseHandle(h);
  if (!ok) return -1;
  return FileTime100ns(creation) / 10000.0;
}

}  // namespace pidlock
