// Conversions the Windows files share: UTF-8 paths to the wide strings the
// Win32 calls take, FILETIME to 100 ns counts.
#pragma once

#include <windows.h>

#include <string>

namespace pidlock {

// Node hands us UTF-8; the wide Win32 calls are the only ones that take every path.
inline std::wstring Wide(const std::string& s) {
  if (s.empty()) return std::wstring();
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), &w[0], n);
  return w;
}

// FILETIME counts 100 ns intervals since 1601-01-01 UTC.
inline int64_t FileTime100ns(const FILETIME& ft) {
  return static_cast<int64_t>((static_cast<uint64_t>(ft.dwHighDateTime) << 32) | ft.dwLowDateTime) -
         116444736000000000LL;
}

}  // namespace pidlock
