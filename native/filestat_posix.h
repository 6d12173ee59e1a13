// fstat() without the glibc 2.33 symbol. Built on a new glibc, a plain fstat()
// call binds to fstat@GLIBC_2.33 and the prebuild would not load on systems
// Node 20 still supports (glibc 2.28); statx() exists since 2.28.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifdef __linux__
#include <sys/sysmacros.h>
#endif

#include <cstdint>
#include <cstring>

namespace pidlock {

struct FileStat {
  bool regular = false, directory = false;
  mode_t kind = 0;  // the S_IFMT bits: S_IFSOCK, S_IFIFO, ...
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  // The mount's ID that Linux (6.8+) never hands out again; 0: not known.
  uint64_t mount = 0;
};

// statx's timestamps and struct stat's timespecs both have tv_sec and tv_nsec.
template <typename Time>
int Fill(mode_t mode, uint64_t dev, uint64_t ino, uint64_t size, const Time& mtime, const Time& ctime, FileStat* out) {
  out->regular = S_ISREG(mode);
  out->directory = S_ISDIR(mode);
  out->kind = mode & S_IFMT;
  out->dev = dev;
  out->ino = ino;
  out->size = size;
  out->mtime_sec = mtime.tv_sec;
  out->mtime_nsec = mtime.tv_nsec;
  out->ctime_sec = ctime.tv_sec;
  out->ctime_nsec = ctime.tv_nsec;
  return 0;
}

#ifdef __linux__
// STATX_MNT_ID_UNIQUE (Linux 6.8); older kernels ignore the request and leave
// it out of stx_mask. Its answer sits in stx_mnt_id, at offset 0x90 in the
// kernel's struct, which older glibc headers still call padding.
constexpr unsigned kStatxMntIdUnique = 0x4000U;
constexpr size_t kStatxMntIdOffset = 0x90;
static_assert(sizeof(struct statx) >= kStatxMntIdOffset + sizeof(uint64_t), "struct statx has room for stx_mnt_id");

inline int Statx(int dirfd, const char* path, int flags, FileStat* out) {
  struct statx sx;
  const unsigned mask = STATX_TYPE | STATX_INO | STATX_SIZE | STATX_MTIME | STATX_CTIME | kStatxMntIdUnique;
  if (statx(dirfd, path, flags, mask, &sx) != 0) return -1;
  if (sx.stx_mask & kStatxMntIdUnique) {
    memcpy(&out->mount, reinterpret_cast<const char*>(&sx) + kStatxMntIdOffset, sizeof out->mount);
  }
  // makedev: the same device encoding Node reports.
  return Fill(sx.stx_mode, makedev(sx.stx_dev_major, sx.stx_dev_minor), sx.stx_ino, sx.stx_size, sx.stx_mtime,
              sx.stx_ctime, out);
}
#else
inline int FromStat(const struct stat& st, FileStat* out) {
  return Fill(st.st_mode, static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
              static_cast<uint64_t>(st.st_size), st.st_mtimespec, st.st_ctimespec, out);
}
#endif

inline int StatFd(int fd, FileStat* out) {
#ifdef __linux__
  return Statx(fd, "", AT_EMPTY_PATH, out);
#else
  struct stat st;
  return fstat(fd, &st) != 0 ? -1 : FromStat(st, out);
#endif
}

// The path itself, never a symlink's target.
inline int StatPath(const char* path, FileStat* out) {
#ifdef __linux__
  return Statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, out);
#else
  struct stat st;
  return lstat(path, &st) != 0 ? -1 : FromStat(st, out);
#endif
}

}  // namespace pidlock
