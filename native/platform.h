// The narrow questions each platform answers. Everything that decides whether a
// lock is stale lives in TypeScript (src/staleness.ts), once for both backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace pidlock {

enum class Liveness { kDead, kAlive, kUnknown };

// The failing call, with the platform's own error number (errno or GetLastError).
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

enum FileType { kRegular = 0, kDirectory = 1, kOther = 2 };

// Larger than any valid "PID\n"; files larger than this are never locks. Exported
// as headBytes: src/lockfile.ts MAX_CONTENT is the same limit, checked at load.
constexpr size_t kHeadBytes = 64;

struct FileState {
  int type = kOther;
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_sec = 0, mtime_nsec = 0, ctime_sec = 0, ctime_nsec = 0;
  char head[kHeadBytes];
  size_t head_len = 0;
  int kernel_held = -1;  // 1 held, 0 free, -1 unknown
};

// What judging an owner needs, from as few system calls as the platform allows.
struct ProcessInfo {
  Liveness alive = Liveness::kUnknown;
  // Milliseconds since the epoch, or a negative number when unknown.
  double start_ms = -1;
};

// Our own PID is always kAlive.
ProcessInfo ProbeProcess(uint32_t pid);

// Makes `path` hold `content`, never visible half-written, and keeps it locked
// in the kernel until Close(). Returns false with *err set; EEXIST-like errors
// mean the lock is taken.
bool Publish(const std::string& path, const std::string& tmp, const std::string& content, Held* out,
             SysError* err);
// 1: read into *out; 0: no such file; -1: error in *err.
int Inspect(const std::string& path, FileState* out, SysError* err);
void Close(int64_t handle);

enum class Removed { kRemoved = 0, kReplaced = 1, kVanished = 2 };
// Ends a tenure: deletes `path` only if it still names the held file, then
// closes the handle. On false (*err set) nothing was closed: the lock is still
// held and the caller can retry.
bool Remove(const std::string& path, const Held& held, Removed* out, SysError* err);

// Node-style code ("EEXIST") for a platform error number.
const char* ErrorCode(long code);
// Node-style negative errno for a platform error number.
int ErrorNumber(long code);

}  // namespace pidlock
