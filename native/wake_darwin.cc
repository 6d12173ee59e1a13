// macOS exit watch: a kqueue with EVFILT_PROC/NOTE_EXIT, waited on by the
// POSIX code in wake_posix.cc.
#include <sys/event.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "wake.h"

namespace pidlock {

// A kqueue holding one EVFILT_PROC/NOTE_EXIT knote; the kqueue descriptor itself
// polls readable once the process has exited, so the POSIX wait code serves it.
int OpenExitWatch(uint32_t pid, int64_t* out) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return 0;
  int kq = kqueue();
  if (kq < 0) return -1;
  struct kevent ev;
  EV_SET(&ev, static_cast<uintptr_t>(pid), EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
  if (kevent(kq, &ev, 1, nullptr, 0, nullptr) != 0) {
    int e = errno;
    close(kq);
    // ESRCH also for a process that has begun to exit and still holds its flock
    // (XNU marks it exiting before closing its files). No retry: every later
    // attach fails the same way; the waiter's timer takes the next look.
    return e == ESRCH ? 0 : -1;
  }
  *out = kq;
  return 1;
}

// Not watched here yet: a synchronous waiter sees a release at its next timed look.
int OpenDirWatch(const std::string&, int64_t*) { return -1; }

bool DirEventMatches(int, const std::string&) { return true; }

}  // namespace pidlock
