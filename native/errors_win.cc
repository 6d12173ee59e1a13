#include <windows.h>

#include "platform.h"

namespace pidlock {

namespace {

struct Mapping {
  DWORD win;
  const char* code;
  int uv;  // libuv's negative errno, as Node reports it on Windows
};

const Mapping kMappings[] = {
    {ERROR_FILE_EXISTS, "EEXIST", -4075},
    {ERROR_ALREADY_EXISTS, "EEXIST", -4075},
    {ERROR_FILE_NOT_FOUND, "ENOENT", -4058},
    {ERROR_PATH_NOT_FOUND, "ENOENT", -4058},
    {ERROR_ACCESS_DENIED, "EPERM", -4048},
    {ERROR_SHARING_VIOLATION, "EBUSY", -4082},
    {ERROR_LOCK_VIOLATION, "EBUSY", -4082},
    {ERROR_DISK_FULL, "ENOSPC", -4055},
    {ERROR_HANDLE_DISK_FULL, "ENOSPC", -4055},
    {ERROR_WRITE_PROTECT, "EROFS", -4043},
    {ERROR_FILENAME_EXCED_RANGE, "ENAMETOOLONG", -4064},
    {ERROR_INVALID_NAME, "ENOENT", -4058},  // as libuv reports it, so both backends agree
    {ERROR_DIRECTORY, "ENOTDIR", -4052},
    {ERROR_CANT_RESOLVE_FILENAME, "ELOOP", -4067},
    {ERROR_TOO_MANY_OPEN_FILES, "EMFILE", -4066},
};

}  // namespace

const char* ErrorCode(long code) {
  for (const Mapping& m : kMappings) {
    if (m.win == static_cast<DWORD>(code)) return m.code;
  }
  return "EIO";
}

int ErrorNumber(long code) {
  for (const Mapping& m : kMappings) {
    if (m.win == static_cast<DWORD>(code)) return m.uv;
  }
  return -4070;  // UV_EIO
}

}  // namespace pidlock
