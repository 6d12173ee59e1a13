// Kernel objects a waiter blocks on instead of only sleeping: the holder's exit
// and changes to the lock file. A wake is only a hint to look again; the lock
// rules never depend on it, so every "cannot watch" answer just leaves the
// caller with its timer.
#pragma once

#include <cstdint>
#include <string>

namespace pidlock {

constexpr int64_t kNoWatch = -1;

// 1: *out becomes ready when `pid` exits (zombies count as exited);
// 0: `pid` names no process now; -1: this system cannot watch it (old kernel,
// access denied, not a process leader).
int OpenExitWatch(uint32_t pid, int64_t* out);
// 1: *out becomes ready when the file `path` names now loses that name
// (unlinked, renamed over, moved away) or its attributes change; 0: `path`
// names nothing now (look again); -1: cannot watch.
int OpenFileWatch(const std::string& path, int64_t* out);
void CloseExitWatch(int64_t w);
// `now`: closed before returning, for a caller that needs the descriptors at
// once; else whatever takes long may finish on another thread.
void CloseFileWatch(int64_t w, bool now);

enum class Woken { kTimeout = -1, kExit = 0, kFile = 1, kSignal = 2 };
// Blocks the calling thread until the process exits, the watched file changes,
// a trapped signal arrives, or `ms` pass. Either watch may be kNoWatch.
Woken WaitWatches(int64_t exit_w, int64_t file_w, int ms);

// A thread blocked in WaitWatches runs no JS, so the JS listeners that Node's
// signal handler queues for SIGINT, SIGTERM and SIGHUP would wait for the wait
// to end. TrapSignals replaces that handler, where one is installed, with one
// that wakes WaitWatches; false: nothing to trap (no handler, or this platform).
// UntrapSignals puts the handlers back and returns the first trapped signal
// that arrived, or 0. One trap at a time per process.
bool TrapSignals();
int UntrapSignals();

// Calls fire(arg) once, from another thread, when the process exits. Cancel
// returns only when fire is running no more and never will.
struct ExitWait;
ExitWait* StartExitWait(int64_t exit_w, void (*fire)(void*), void* arg);
void CancelExitWait(ExitWait* w);

}  // namespace pidlock
