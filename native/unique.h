// Owners that close what they hold on every path out of a function, so that an
// early return or a thrown error can never leak a descriptor or a handle.
// release() hands the value on to a caller that keeps it (a published lock).
#pragma once

#include <utility>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace pidlock {

template <typename T, T kEmpty, void (*Close)(T)>
class Unique {
 public:
  Unique() = default;
  explicit Unique(T v) : v_(v) {}
  Unique(const Unique&) = delete;
  Unique& operator=(const Unique&) = delete;
  Unique(Unique&& o) noexcept : v_(o.release()) {}
  Unique& operator=(Unique&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Unique() { reset(); }

  T get() const { return v_; }
  explicit operator bool() const { return v_ != kEmpty; }
  T release() { return std::exchange(v_, kEmpty); }
  void reset(T v = kEmpty) {
    T old = std::exchange(v_, v);
    if (old != kEmpty) Close(old);
  }

 private:
  T v_ = kEmpty;
};

#ifdef _WIN32
inline void CloseWinHandle(HANDLE h) { CloseHandle(h); }
// INVALID_HANDLE_VALUE is not a constant expression; CreateFileW's failures are
// turned into nullptr before they are wrapped.
using UniqueHandle = Unique<HANDLE, nullptr, CloseWinHandle>;
#else
inline void CloseFd(int fd) { close(fd); }
using UniqueFd = Unique<int, -1, CloseFd>;
#endif

}  // namespace pidlock
