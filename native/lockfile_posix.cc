// The lock file on POSIX: publish (O_TMPFILE or a named temp, link, flock),
// inspect, remove, touch and the filesystem kind.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/magic.h>
#include <sys/vfs.h>
#elif defined(__APPLE__)
#include <sys/mount.h>
#include <sys/param.h>
#endif
#ifdef __APPLE__
#include <sys/mount.h>
#include <sys/param.h>
#endif
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "filestat_posix.h"
#include "platform.h"
#include "unique.h"

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

// Takes the holder's exclusive kernel lock. Judges' probes (Inspect, litter
// collection) hold a shared lock for a few microseconds, so a refusal is retried
// for a bounded while (~20 ms) rather than ignored: a holder must never go on
// without its lock. 1: locked; 0: this filesystem has no flock at all (some
// NFS/FUSE mounts), so nobody can hold one there and the pidfile alone decides;
// -1: errno set (EWOULDBLOCK: someone kept a lock on it throughout). A
// filesystem without advisory locks answers ENOTSUP on macOS, where it is 45 and
// EOPNOTSUPP is 102 (Linux gives both one number).
int LockExclusive(int fd) {
  for (int tries = 0;; tries++) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0) return 1;
    if (errno == EINTR) continue;
    if (errno == ENOLCK || errno == EOPNOTSUPP || errno == ENOTSUP || errno == ENOSYS) return 0;
    if (errno != EWOULDBLOCK || tries >= 200) return -1;
    struct timespec pause = {0, 100000};  // 0.1 ms: longer than any probe
    nanosleep(&pause, nullptr);
  }
}

bool LockAndWrite(int fd, const std::string& content, FileStat* st, SysError* err) {
  if (LockExclusive(fd) < 0) return Fail(err, "flock");
  if (WriteAll(fd, content.data(), content.size()) < 0) return Fail(err, "write");
  if (StatFd(fd, st) != 0) return Fail(err, "fstat");
  return true;
}

// link() errors that mean "this filesystem has no hard links" (FAT, exFAT,
// some FUSE mounts), as opposed to "taken" or "not allowed".
bool NoHardLinks(int e) { return e == EPERM || e == EOPNOTSUPP || e == ENOTSUP || e == EXDEV; }

// After EEXIST from link(): whether the lock path names our inode all the same.
// Over NFS a LINK whose reply was lost is sent again, and the retransmission
// fails with EEXIST against the name the first one created; our inode is still
// pinned by our descriptor, so no other file can carry its number. errno stays
// EEXIST when it is not ours: the look may fail (ENOENT once the holder has
// released), and "taken" must not turn into an error.
bool LinkedAnyway(const std::string& path, const FileStat& ours) {
  FileStat st;
  bool same = StatPath(path.c_str(), &st) == 0 && st.dev == ours.dev && st.ino == ours.ino;
  errno = EEXIST;
  return same;
}

// The descriptor whose kernel lock guards the name, once link() gave our inode
// the lock path. Normally that is `fd`: the name and the temp inode are one node.
// FUSE's path-based filesystems (bindfs, sshfs, ...) give each name a node of its
// own, with its own flocks, so the lock taken before link() would guard nothing
// that `flock <lock>` or a judge can see. A second open of the name tells them
// apart: a shared lock on it is refused only where our exclusive one already
// sits on that node (a judge's probe is shared, and never refuses it), and
// granted where the name is a node of its own, which then gets our exclusive
// lock. Returns the descriptor to keep, and closes the other one.
// Only FUSE keeps a node per name; the check spares every other publish the
// second open. Where the filesystem cannot be told (an fstatfs failure, a
// system without a FUSE check here), it may be FUSE.
// Linux 6.8+ names each mount with an ID it never hands out again, so the
// last mount found not to be FUSE is remembered and a publish there needs no
// fstatfs; a mount over the directory later has another ID and is asked anew.
#if defined(__linux__)
std::atomic<uint64_t> last_non_fuse_mount{0};
#endif

bool OnFuse(int fd, const FileStat& st) {
#if defined(__linux__)
  if (st.mount != 0 && st.mount == last_non_fuse_mount.load(std::memory_order_relaxed)) return false;
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0 || fs.f_type == FUSE_SUPER_MAGIC) return true;
  if (st.mount != 0) last_non_fuse_mount.store(st.mount, std::memory_order_relaxed);
  return false;
#elif defined(__APPLE__)
  // macFUSE's type names ("macfuse", formerly "osxfuse"); FUSE-T serves NFS, which keeps one node per file.
  (void)st;
  struct statfs fs;
  if (fstatfs(fd, &fs) != 0) return true;
  return strncmp(fs.f_fstypename, "macfuse", 7) == 0 || strncmp(fs.f_fstypename, "osxfuse", 7) == 0;
#else
  (void)st;
  return true;
#endif
}

UniqueFd LockName(const std::string& path, UniqueFd fd, const FileStat& ours) {
  UniqueFd named(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!named) return fd;
  FileStat st;
  // Only the file we linked: the name may have been removed and reused meanwhile.
  bool same = StatFd(named.get(), &st) == 0 && st.dev == ours.dev && st.ino == ours.ino;
  if (!same || flock(named.get(), LOCK_SH | LOCK_NB) != 0 || LockExclusive(named.get()) != 1) return fd;
  return named;
}

// Hands the published descriptor (the one whose kernel lock guards the name) to *out.
void Keep(const std::string& path, UniqueFd fd, const FileStat& st, Held* out) {
  if (OnFuse(fd.get(), st)) fd = LockName(path, std::move(fd), st);
  out->handle = fd.release();
  out->dev = st.dev;
  out->ino = st.ino;
}

#ifdef __linux__
// /proc/self/fd/N is trusted as a name for our descriptor only on a real procfs
// (a chroot's /proc may be a plain directory that anyone could fill with symlinks).
bool ProcFdUsable() {
  static const int usable = [] {
    struct statfs fs;
    return statfs("/proc/self/fd", &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC ? 1 : 0;
  }();
  return usable == 1;
}

// AT_EMPTY_PATH names the descriptor itself and skips a procfs lookup; kernels
// before 6.10 allow it only with CAP_DAC_READ_SEARCH and say ENOENT otherwise,
// so after one such answer every later link goes through /proc/self/fd.
std::atomic<bool> empty_path_works{true};

int LinkUnnamed(int fd, const std::string& path) {
  if (empty_path_works.load(std::memory_order_relaxed)) {
    if (linkat(fd, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH) == 0) return 0;
    if (errno != ENOENT && errno != EPERM) return -1;
    empty_path_works.store(false, std::memory_order_relaxed);
  }
  if (!ProcFdUsable()) {
    errno = ENOENT;
    return -1;
  }
  char proc[40];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  return linkat(AT_FDCWD, proc, AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW);
}

// An O_TMPFILE inode has no name until linkat() gives it the lock's, so no probe
// can touch it before our flock, there is no temp name to collect after a crash,
// and it costs no create + unlink of a temp name. 1: published; 0: not available
// here (no O_TMPFILE on this filesystem or kernel, no procfs, no hard links), so
// the caller falls back to a named temp file; -1: failed with *err.
int PublishUnnamed(const std::string& path, const std::string& content, Held* out, SysError* err) {
  std::string dir = path.substr(0, path.find_last_of('/') + 1);
  if (dir.empty()) dir = ".";
  UniqueFd fd(open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0644));
  if (!fd) {
    // EOPNOTSUPP: the filesystem lacks it; EISDIR/EINVAL: the kernel predates it.
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return 0;
    Fail(err, "open");
    return -1;
  }
  FileStat st;
  if (!LockAndWrite(fd.get(), content, &st, err)) return -1;
  if (LinkUnnamed(fd.get(), path) != 0 && !(errno == EEXIST && LinkedAnyway(path, st))) {
    if (errno == ENOENT || NoHardLinks(errno)) return 0;
    Fail(err, "link");
    return -1;
  }
  Keep(path, std::move(fd), st, out);
  return 1;
}
#endif

// Without hard links the lock path itself is created exclusively and written.
// It is empty for the moment before the write; judges read an empty lock as a
// writer at work for the invalid-content grace period (1 s).
bool PublishInPlace(const std::string& path, const std::string& content, Held* out, SysError* err) {
  UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!fd) return Fail(err, "open");
  FileStat st;
  if (!LockAndWrite(fd.get(), content, &st, err)) {
    unlink(path.c_str());  // ours: nobody breaks a young empty lock
    return false;
  }
  out->handle = fd.release();
  out->dev = st.dev;
  out->ino = st.ino;
  return true;
}

// A lock path that is not a file is reported by what it is, not by how open()
// refused it: the refusal differs between systems (a socket: ENXIO on Linux,
// EOPNOTSUPP on macOS, a number libuv cannot name) and comes after the
// permission check (EACCES for a socket this user may not open), so it names
// neither the problem nor the fix. The README promises ENXIO for a socket and
// EINVAL for a FIFO or device, as when such a file does open.
bool FailOpen(const std::string& path, SysError* err) {
  int open_errno = errno;
  FileStat st;
  if (StatPath(path.c_str(), &st) == 0) {
    if (st.kind == S_IFSOCK) open_errno = ENXIO;
    if (st.kind == S_IFIFO || st.kind == S_IFCHR || st.kind == S_IFBLK) open_errno = EINVAL;
  }
  errno = open_errno;
  return Fail(err, "open");
}

}  // namespace

// The content is written to a file nobody else can name yet (an O_TMPFILE
// inode, or else a private temp file), which is flocked before it gets its
// public name through link(): nobody can ever see the lock empty, and the
// kernel lock exists from the first instant the name does (on FUSE, where the
// name is a node of its own, from a moment later: see LockName). link() never
// replaces an existing name, so EEXIST is the one "taken" answer, unless the
// name turns out to be ours (LinkedAnyway).
bool Publish(const std::string& path, const std::string& tmp, const std::string& content, Held* out, SysError* err) {
#ifdef __linux__
  // A temp name comes only after an unnamed publish found no O_TMPFILE here.
  if (tmp.empty()) {
    int done = PublishUnnamed(path, content, out, err);
    if (done != 0) return done == 1;
  }
#endif
  if (tmp.empty()) {
    err->code = kNeedsTempName;
    err->syscall = "open";
    return false;
  }
  for (int fresh = 0;; fresh++) {
    UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) return Fail(err, "open");
    FileStat st;
    bool ok = LockAndWrite(fd.get(), content, &st, err);
    bool lock_refused = !ok && errno == EWOULDBLOCK;
    int link_errno = 0;
    if (ok && link(tmp.c_str(), path.c_str()) != 0 && !(errno == EEXIST && LinkedAnyway(path, st))) {
      link_errno = errno;
      ok = Fail(err, "link");
    }
    unlink(tmp.c_str());
    if (ok) {
      Keep(path, std::move(fd), st, out);
      return true;
    }
    fd.reset();
    // Litter collection probes temp files too; a fresh inode under the same
    // private name cannot be the one it holds.
    if (lock_refused && fresh < 3) continue;
    if (link_errno != 0 && NoHardLinks(link_errno)) return PublishInPlace(path, content, out, err);
    return false;
  }
}

bool Inspect(const std::string& path, std::optional<FileState>* found, SysError* err) {
  // O_NONBLOCK: a FIFO at the lock path must not hang the open.
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return true;
    return FailOpen(path, err);
  }
  FileStat st;
  if (StatFd(fd.get(), &st) != 0) return Fail(err, "fstat");
  FileState* out = &found->emplace();
  out->type = st.regular ? FileType::kRegular : st.directory ? FileType::kDirectory : FileType::kOther;
  out->dev = st.dev;
  out->ino = st.ino;
  out->size = st.size;
  out->mtime_sec = st.mtime_sec;
  out->mtime_nsec = st.mtime_nsec;
  out->ctime_sec = st.ctime_sec;
  out->ctime_nsec = st.ctime_nsec;
  if (out->type == FileType::kRegular) {
    ssize_t n = pread(fd.get(), out->head, kHeadBytes, 0);
    out->head_len = n > 0 ? static_cast<size_t>(n) : 0;
    // A shared probe never conflicts with other probes, only with a holder's
    // exclusive lock (ours, or `flock -n file` from util-linux and friends).
    if (flock(fd.get(), LOCK_SH | LOCK_NB) == 0) {
      out->kernel_held = false;
    } else if (errno == EWOULDBLOCK) {
      out->kernel_held = true;
    }
  }
  return true;  // the close drops the probe's shared lock
}

void Close(int64_t handle) {
  if (handle >= 0) close(static_cast<int>(handle));
}

bool Touch(int64_t handle, SysError* err) {
  if (futimens(static_cast<int>(handle), nullptr) != 0) return Fail(err, "futime");
  return true;
}

#ifdef __APPLE__
// MNT_LOCAL is the kernel's own word on whether a mount is on this machine
// (nfs, smbfs, afpfs and webdav mounts lack it); f_fstypename names it.
std::optional<DirKind> DirKindOf(const std::string& dir) {
  struct statfs fs;
  if (statfs(dir.c_str(), &fs) != 0) return std::nullopt;
  DirKind kind;
  kind.local = (fs.f_flags & MNT_LOCAL) != 0;
  kind.type.assign(fs.f_fstypename, strnlen(fs.f_fstypename, sizeof fs.f_fstypename));
  return kind;
}
#else
std::optional<DirKind> DirKindOf(const std::string&) { return std::nullopt; }
#endif

// The kernel lock must outlive the name, so close comes last: a judge that
// opens the path before the unlink still sees it held.
bool Remove(const std::string& path, const Held& held, Removed* out, SysError* err) {
  FileStat st;
  if (StatPath(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Fail(err, "lstat");
    *out = Removed::kVanished;
  } else if (st.dev != held.dev || st.ino != held.ino) {
    *out = Removed::kReplaced;
  } else if (unlink(path.c_str()) != 0) {
    if (errno != ENOENT) return Fail(err, "unlink");
    *out = Removed::kVanished;
  } else {
    *out = Removed::kRemoved;
  }
  Close(held.handle);
  return true;
}

}  // namespace pidlock
