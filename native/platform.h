// The narrow questions each platform answers. Everything that decides whether a
// lock is stale lives in TypeScript (src/rules.ts), once for both backends.
// "Cannot tell" is always an empty std::optional.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace pidlock {

// The failing call, with the platform's own error number (errno or GetLastError);
// src/backend/syserror.ts names it.
struct SysError {
  long code = 0;
  const char* syscall = "";
};

// A published lock: the handle that holds the kernel lock, and the file's identity.
struct Held {
  int64_t handle = -1;
  uint64_t dev = 0;
  uint64_t ino = 0;
};

enum class FileType { kRegular = 0, kDirectory = 1, kOther = 2 };

// Larger than any valid "PID\n"; files larger than this are never locks. Exported
// as headBytes: src/lockfile.ts MAX_CONTENT is the same limit, checked at load.
constexpr size_t kHeadBytes = 64;

struct FileState {
  FileType type = FileType::kOther;
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  char head[kHeadBytes];
  size_t head_len = 0;
  // true: someone holds the file's kernel lock; false: nobody does.
  std::optional<bool> kernel_held;
};

// What judging an owner needs, from as few system calls as the platform allows.
struct ProcessInfo {
  // true: running; false: no such process, a zombie, or exited.
  std::optional<bool> alive;
  // Milliseconds since the epoch.
  std::optional<double> start_ms;
};

// Our own PID is always alive.
ProcessInfo ProbeProcess(uint32_t pid);

// SysError code of a Publish that needs a temp name and was given none.
constexpr long kNeedsTempName = -1;

// Makes `path` hold `content`, never visible half-written, and keeps it locked
// in the kernel until Close(). Returns false with *err set; EEXIST-like errors
// mean the lock is taken. `tmp` may be empty: most publishes need no temp name
// (Linux's O_TMPFILE, Windows), and one that does fails with kNeedsTempName.
bool Publish(const std::string& path, const std::string& tmp, const std::string& content, Held* out, SysError* err);
// false: error in *err. Otherwise *out is empty when there is no such file.
bool Inspect(const std::string& path, std::optional<FileState>* out, SysError* err);
void Close(int64_t handle);

enum class Removed { kRemoved = 0, kReplaced = 1, kVanished = 2 };
// Ends a tenure: deletes `path` only if it still names the held file, then
// closes the handle. On false (*err set) nothing was closed: the lock is still
// held and the caller can retry.
bool Remove(const std::string& path, const Held& held, Removed* out, SysError* err);
// Sets the held file's modification and access times to now through the handle,
// so it reaches the held file whatever the path names now (a lease refresh).
bool Touch(int64_t handle, SysError* err);

// What this platform's own API says about the filesystem a directory is on.
struct DirKind {
  bool local = true;
  // The filesystem's name where the platform has one (macOS: "nfs", "smbfs"),
  // else empty.
  std::string type;
};
// Empty when the platform's native code does not answer (Linux: statfs f_type
// is read by src/backend/fsinfo.ts for both backends) or the directory cannot
// be asked (it may not exist yet).
std::optional<DirKind> DirKindOf(const std::string& dir);

}  // namespace pidlock
