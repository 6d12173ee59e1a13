#include <cerrno>

#include "platform.h"

namespace pidlock {

const char* ErrorCode(long code) {
  switch (code) {
#define PIDLOCK_ERRNO(name) \
  case name:                \
    return #name;
    PIDLOCK_ERRNO(EEXIST)
    PIDLOCK_ERRNO(ENOENT)
    PIDLOCK_ERRNO(EACCES)
    PIDLOCK_ERRNO(EPERM)
    PIDLOCK_ERRNO(EROFS)
    PIDLOCK_ERRNO(ENOSPC)
    PIDLOCK_ERRNO(EDQUOT)
    PIDLOCK_ERRNO(ENOTDIR)
    PIDLOCK_ERRNO(EISDIR)
    PIDLOCK_ERRNO(ELOOP)
    PIDLOCK_ERRNO(ENXIO)
    PIDLOCK_ERRNO(ENAMETOOLONG)
    PIDLOCK_ERRNO(EMFILE)
    PIDLOCK_ERRNO(ENFILE)
    PIDLOCK_ERRNO(EBUSY)
    PIDLOCK_ERRNO(EINVAL)
    PIDLOCK_ERRNO(EIO)
    PIDLOCK_ERRNO(EAGAIN)
    PIDLOCK_ERRNO(EXDEV)
    PIDLOCK_ERRNO(EMLINK)
    PIDLOCK_ERRNO(EFBIG)
    PIDLOCK_ERRNO(ENOLCK)
    PIDLOCK_ERRNO(EINTR)
    PIDLOCK_ERRNO(ENOMEM)
    PIDLOCK_ERRNO(ETXTBSY)
#undef PIDLOCK_ERRNO
    default:
      return "EIO";
  }
}

int ErrorNumber(long code) { return -static_cast<int>(code); }

}  // namespace pidlock
