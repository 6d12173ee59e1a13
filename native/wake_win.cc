// Windows exit watch: the holder's process handle, waited on directly or from
// the thread pool for acquire(); no directory watch and no signal trap here.
#include <windows.h>

#include "wake.h"

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

// Not here: a file cannot be watched by itself, and a directory's change
// notification names no file, so the waiter's own temp files and ballots would
// wake it at once, every time. (acquire() uses fs.watch on the directory, which
// does name the file; a synchronous waiter sees a release at its next timed look.)
int OpenFileWatch(const std::string&, int64_t*) { return -1; }

void CloseExitWatch(int64_t w) {
  if (w != kNoWatch) CloseHandle(H(w));
}

void CloseFileWatch(int64_t, bool) {}

Woken WaitWatches(int64_t exit_w, int64_t, int ms) {
  if (exit_w == kNoWatch) {
    Sleep(static_cast<DWORD>(ms));
    return Woken::kTimeout;
  }
  return WaitForSingleObject(H(exit_w), static_cast<DWORD>(ms)) == WAIT_OBJECT_0 ? Woken::kExit : Woken::kTimeout;
}

// Ctrl-C and Ctrl-Break reach a console process as control events, which Node
// hands to its listeners from a thread of its own; a closing console (SIGHUP)
// ends the process a few seconds later whatever the handlers do. Not trapped
// here: src/sync-wait.ts takes the package's own listeners off instead, so the
// default handler ends the process.
bool TrapSignals() { return false; }
int UntrapSignals() { return 0; }

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
