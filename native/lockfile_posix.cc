#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "filestat_posix.h"
#include "platform.h"

namespace pidlock {

namespace {

bool Fail(SysError* err, const char* syscall) {
  err->code = errno;
  err->syscall = syscall;
  return false;
}

ssize_t WriteAll(int fd, const char* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = write(fd, data + done, len - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    done += static_cast<size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

}  // namespace

// The content is written to a private temp file, which is flocked before it
// gets its public name through link(): nobody can ever see the lock empty, and
// the kernel lock exists from the first instant the name does. link() never
// replaces an existing name, so EEXIST is the one "taken" answer.
bool Publish(const std::string& path, const std::string& tmp, const std::string& content, Held* out,
             SysError* err) {
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(err, "open");
  bool ok = true;
  FileStat st;
  // A filesystem without flock (some FUSE mounts) still gets a correct pidfile;
  // only the extra proof of liveness is lost, so that failure is not fatal.
  (void)flock(fd, LOCK_EX | LOCK_NB);
  if (WriteAll(fd, content.data(), content.size()) < 0) {
    ok = Fail(err, "write");
  } else if (StatFd(fd, &st) != 0) {
    ok = Fail(err, "fstat");
  } else if (link(tmp.c_str(), path.c_str()) != 0) {
    ok = Fail(err, "link");
  }
  int saved = errno;
  unlink(tmp.c_str());
  if (!ok) {
    close(fd);
    errno = saved;
    return false;
  }
  out->handle = fd;
  out->dev = st.dev;
  out->ino = st.ino;
  return true;
}

int Inspect(const std::string& path, FileState* out, SysError* err) {
  // O_NONBLOCK: a FIFO at the lock path must not hang the open.
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return 0;
    Fail(err, "open");
    return -1;
  }
  FileStat st;
  if (StatFd(fd, &st) != 0) {
    Fail(err, "fstat");
    close(fd);
    return -1;
  }
  out->type = st.regular ? kRegular : st.directory ? kDirectory : kOther;
  out->dev = st.dev;
  out->ino = st.ino;
  out->size = st.size;
  out->mtime_sec = st.mtime_sec;
  out->mtime_nsec = st.mtime_nsec;
  out->ctime_sec = st.ctime_sec;
  out->ctime_nsec = st.ctime_nsec;
  out->head_len = 0;
  out->kernel_held = -1;
  if (out->type == kRegular) {
    ssize_t n = pread(fd, out->head, kHeadBytes, 0);
    out->head_len = n > 0 ? static_cast<size_t>(n) : 0;
    // A shared probe never conflicts with other probes, only with a holder's
    // exclusive lock (ours, or `flock -n file` from util-linux and friends).
    if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
      out->kernel_held = 0;
    } else if (errno == EWOULDBLOCK) {
      out->kernel_held = 1;
    }
  }
  close(fd);  // also drops the probe's shared lock
  return 1;
}

void Close(int64_t handle) {
  if (handle >= 0) close(static_cast<int>(handle));
}

}  // namespace pidlock
