#include <windows.h>

#include "wake.h"
#include "win_util.h"

namespace pidlock {

namespace {

HANDLE H(int64_t w) { return reinterpret_cast<HANDLE>(static_cast<intptr_t>(w)); }
int64_t W(HANDLE h) { return static_cast<int64_t>(reinterpret_cast<intptr_t>(h)); }

}  // namespace

// The process object is signalled when the process exits; holding it open also
// keeps its PID from being reused while we watch.
int OpenExitWatch(uint32_t pid, int64_t* out) {
  HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
  if (h == nullptr) return GetLastError() == ERROR_INVALID_PARAMETER ? 0 : -1;
  *out = W(h);
  return 1;
}

int OpenDirWatch(const std::string& dir, int64_t* out) {
  HANDLE h = FindFirstChangeNotificationW(Wide(dir).c_str(), FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
  if (h == INVALID_HANDLE_VALUE) return -1;
  *out = W(h);
  return 1;
}

void CloseExitWatch(int64_t w) {
  if (w != kNoWatch) CloseHandle(H(w));
}

void CloseDirWatch(int64_t w) {
  if (w != kNoWatch) FindCloseChangeNotification(H(w));
}

// A change notification does not say which name changed: any one wakes.
Woken WaitWatches(int64_t exit_w, int64_t dir_w, const std::string&, int ms) {
  HANDLE hs[2];
  DWORD n = 0;
  if (exit_w != kNoWatch) hs[n++] = H(exit_w);
  if (dir_w != kNoWatch) hs[n++] = H(dir_w);
  DWORD rc = n == 0 ? (Sleep(static_cast<DWORD>(ms)), WAIT_TIMEOUT)
                    : WaitForMultipleObjects(n, hs, FALSE, static_cast<DWORD>(ms));
  if (rc == WAIT_OBJECT_0 && exit_w != kNoWatch) return Woken::kExit;
  if (rc == WAIT_OBJECT_0 || rc == WAIT_OBJECT_0 + 1) {
    FindNextChangeNotification(H(dir_w));  // re-arm for the next wait
    return Woken::kDir;
  }
  return Woken::kTimeout;
}

struct ExitWait {
  HANDLE wait = nullptr;
  void (*fire)(void*) = nullptr;
  void* arg = nullptr;
};

static VOID CALLBACK OnExit(PVOID ctx, BOOLEAN) {
  auto* w = static_cast<ExitWait*>(ctx);
  w->fire(w->arg);
}

// The system thread pool waits for us: no thread of our own per waiter.
ExitWait* StartExitWait(int64_t exit_w, void (*fire)(void*), void* arg) {
  auto* w = new ExitWait();
  w->fire = fire;
  w->arg = arg;
  if (!RegisterWaitForSingleObject(&w->wait, H(exit_w), OnExit, w, INFINITE, WT_EXECUTEONLYONCE)) {
    delete w;
    return nullptr;
  }
  return w;
}

void CancelExitWait(ExitWait* w) {
  if (w == nullptr) return;
  // INVALID_HANDLE_VALUE: return only once a running callback has finished.
  UnregisterWaitEx(w->wait, INVALID_HANDLE_VALUE);
  delete w;
}

}  // namespace pidlock
