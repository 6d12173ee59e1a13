// macOS watches: a kqueue with EVFILT_PROC/NOTE_EXIT for the holder's exit and
// EVFILT_VNODE for the lock file, waited on by the POSIX code in wake_posix.cc.
#include <fcntl.h>
#include <sys/event.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "unique.h"
#include "wake.h"
#include "wake_posix.h"

namespace pidlock {

// A kqueue holding one EVFILT_PROC/NOTE_EXIT knote; the kqueue descriptor itself
// polls readable once the process has exited, so the POSIX wait code serves it.
int OpenExitWatch(uint32_t pid, int64_t* out) {
  if (pid > static_cast<uint32_t>(INT_MAX)) return 0;
  UniqueFd kq(kqueue());
  if (!kq) return -1;
  struct kevent ev;
  EV_SET(&ev, static_cast<uintptr_t>(pid), EVFILT_PROC, EV_ADD | EV_ONESHOT, NOTE_EXIT, 0, nullptr);
  if (kevent(kq.get(), &ev, 1, nullptr, 0, nullptr) != 0) {
    // ESRCH also for a process that has begun to exit and still holds its flock
    // (XNU marks it exiting before closing its files). No retry: every later
    // attach fails the same way; the waiter's timer takes the next look.
    return errno == ESRCH ? 0 : -1;
  }
  *out = kq.release();
  return 1;
}

// A kqueue with an EVFILT_VNODE knote on the lock file itself, opened for events
// only (O_EVTONLY: it does not keep a volume from unmounting). The kqueue polls
// readable once the knote fires. The knote lasts while the file's descriptor is
// open, so the watch number carries both: the kqueue in its low 32 bits (what
// WaitWatches polls), the file's descriptor above them.
namespace {
int KqueueOf(int64_t w) { return static_cast<int>(w & 0xffffffff); }
int FileOf(int64_t w) { return static_cast<int>(w >> 32); }
}  // namespace

int OpenFileWatch(const std::string& path, int64_t* out) {
  UniqueFd file(open(path.c_str(), O_EVTONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!file) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
  UniqueFd kq(kqueue());
  if (!kq) return -1;
  struct kevent ev;
  EV_SET(&ev, static_cast<uintptr_t>(file.get()), EVFILT_VNODE, EV_ADD | EV_CLEAR,
         NOTE_DELETE | NOTE_RENAME | NOTE_LINK | NOTE_ATTRIB | NOTE_REVOKE, 0, nullptr);
  if (kevent(kq.get(), &ev, 1, nullptr, 0, nullptr) != 0) return -1;
  *out = (static_cast<int64_t>(file.release()) << 32) | kq.release();
  return 1;
}

void CloseFileWatch(int64_t w, bool) {
  if (w == kNoWatch) return;
  UniqueFd kq(KqueueOf(w));
  UniqueFd file(FileOf(w));
}

int FileWatchFeed(int64_t) { return -1; }

bool TakeFileWatch(int64_t w, bool) {
  struct kevent ev;
  struct timespec zero = {0, 0};
  return kevent(KqueueOf(w), nullptr, 0, &ev, 1, &zero) > 0;
}

}  // namespace pidlock
