// What the POSIX wait (wake_posix.cc) needs of each system's file watch
// (wake_linux.cc, wake_darwin.cc): a file watch's low 32 bits are a descriptor
// that polls readable once its file changed, possibly fed from a queue shared
// by the whole process, which must be polled too.
#pragma once

#include <cstdint>

namespace pidlock {

// The shared queue to poll along with file watch `w`, or -1 when `w` needs none.
int FileWatchFeed(int64_t w);
// Whether `w` fired; consumes that. `fed`: the feed polled readable, so what it
// holds is handed out to the watches it concerns first.
bool TakeFileWatch(int64_t w, bool fed);

}  // namespace pidlock
