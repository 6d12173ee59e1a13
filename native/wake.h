// Kernel objects a waiter blocks on instead of only sleeping: the holder's exit
// and changes to the lock's directory. A wake is only a hint to look again; the
// lock rules never depend on it, so every "cannot watch" answer just leaves the
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
// 1: *out becomes ready when an entry of `dir` is removed or renamed; -1: cannot watch.
int OpenDirWatch(const std::string& dir, int64_t* out);
void CloseExitWatch(int64_t w);
void CloseDirWatch(int64_t w);

enum class Woken { kTimeout = -1, kExit = 0, kDir = 1, kSignal = 2 };
// Blocks the calling thread until the process exits, `name` in the watched
// directory is removed (any entry, on systems that do not say which), a trapped
// signal arrives, or `ms` pass. Either watch may be kNoWatch.
Woken WaitWatches(int64_t exit_w, int64_t dir_w, const std::string& name, int ms);

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

#ifndef _WIN32
namespace pidlock {
// Consumes what is pending on a ready directory watch; true if it concerned
// `name` (or the system cannot say).
bool DirEventMatches(int fd, const std::string& name);
}  // namespace pidlock
#endif
