// The lock file on Windows: publish, inspect, remove, touch and the volume's
// kind, through handles whose sharing mode keeps others from deleting or
// rewriting a held lock.
#include <windows.h>

#include "platform.h"
#include "unique.h"
#include "win_util.h"

namespace pidlock {

namespace {

bool Fail(SysError* err, const char* syscall) {
  err->code = static_cast<long>(GetLastError());
  err->syscall = syscall;
  return false;
}

// CreateFileW with what it returns owned; empty on failure, GetLastError() intact.
UniqueHandle Open(const std::wstring& path, DWORD access, DWORD share, DWORD disposition, DWORD flags) {
  HANDLE h = CreateFileW(path.c_str(), access, share, nullptr, disposition, flags, nullptr);
  return UniqueHandle(h == INVALID_HANDLE_VALUE ? nullptr : h);
}

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

}  // namespace

// CREATE_NEW is the exclusive create. The handle omits FILE_SHARE_DELETE and
// stays open while the lock is held, so no other process can delete a live
// lock, and the OS closes it when the holder dies. It carries DELETE access
// itself, so that Remove() deletes through it without closing it first. A temp file + hard link
// cannot be used here: the temp name could not be deleted while that handle is
// open. The file is empty for the instant before WriteFile; readers treat an
// empty lock as held during the grace period, and cannot delete it anyway.
bool Publish(const std::string& path, const std::string& /*tmp*/, const std::string& content, Held* out,
             SysError* err) {
  std::wstring wpath = Wide(path);
  UniqueHandle h =
      Open(wpath, GENERIC_READ | GENERIC_WRITE | DELETE, FILE_SHARE_READ, CREATE_NEW, FILE_ATTRIBUTE_NORMAL);
  if (!h) return Fail(err, "open");
  DWORD written = 0;
  if (!WriteFile(h.get(), content.data(), static_cast<DWORD>(content.size()), &written, nullptr) ||
      written != content.size()) {
    Fail(err, "write");
    h.reset();  // our handle shares no delete: the name can only go once it is closed
    DeleteFileW(wpath.c_str());
    return false;
  }
  BY_HANDLE_FILE_INFORMATION info;
  if (GetFileInformationByHandle(h.get(), &info)) {
    out->dev = info.dwVolumeSerialNumber;
    out->ino = (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
  }
  out->handle = reinterpret_cast<int64_t>(h.release());
  return true;
}

bool Inspect(const std::string& path, std::optional<FileState>* found, SysError* err) {
  std::wstring wpath = Wide(path);
  // OPEN_REPARSE_POINT: a symlink at the lock path is reported, never followed.
  UniqueHandle h =
      Open(wpath, GENERIC_READ, kShareAll, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS);
  if (!h) {
    DWORD e = GetLastError();
    if (e == ERROR_FILE_NOT_FOUND) return true;
    return Fail(err, "open");
  }
  BY_HANDLE_FILE_INFORMATION info;
  if (!GetFileInformationByHandle(h.get(), &info)) return Fail(err, "fstat");
  if (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    err->code = ERROR_CANT_RESOLVE_FILENAME;  // reported as ELOOP, as O_NOFOLLOW would
    err->syscall = "open";
    return false;
  }
  FileState* out = &found->emplace();
  out->type = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? FileType::kDirectory : FileType::kRegular;
  out->dev = info.dwVolumeSerialNumber;
  out->ino = (static_cast<uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
  out->size = (static_cast<uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
  int64_t m = FileTime100ns(info.ftLastWriteTime);
  int64_t c = FileTime100ns(info.ftCreationTime);
  out->mtime_sec = m / 10000000;
  out->mtime_nsec = (m % 10000000) * 100;
  out->ctime_sec = c / 10000000;
  out->ctime_nsec = (c % 10000000) * 100;
  if (out->type == FileType::kRegular) {
    DWORD n = 0;
    if (ReadFile(h.get(), out->head, static_cast<DWORD>(kHeadBytes), &n, nullptr)) out->head_len = n;
    // Asking for DELETE fails with a sharing violation exactly while a holder's
    // handle (opened without FILE_SHARE_DELETE) is open: the kernel's proof of a live holder.
    if (Open(wpath, DELETE, kShareAll, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT)) {
      out->kernel_held = false;
    } else if (GetLastError() == ERROR_SHARING_VIOLATION) {
      out->kernel_held = true;
    }
  }
  return true;
}

void Close(int64_t handle) {
  if (handle != -1) CloseHandle(reinterpret_cast<HANDLE>(handle));
}

// The held handle has GENERIC_WRITE, which carries FILE_WRITE_ATTRIBUTES.
bool Touch(int64_t handle, SysError* err) {
  FILETIME now;
  GetSystemTimeAsFileTime(&now);
  if (!SetFileTime(reinterpret_cast<HANDLE>(handle), nullptr, &now, &now)) return Fail(err, "futime");
  return true;
}

// A drive letter mapped to a share (net use Z: \\server\share) is
// DRIVE_REMOTE; a UNC path is recognised in JS before this is asked. Only the
// drive type is read: asking a remote volume for its filesystem name can block
// on an unreachable server.
std::optional<DirKind> DirKindOf(const std::string& dir) {
  std::wstring wdir = Wide(dir);
  wchar_t root[MAX_PATH + 1];
  if (wdir.empty() || !GetVolumePathNameW(wdir.c_str(), root, MAX_PATH + 1)) return std::nullopt;
  UINT type = GetDriveTypeW(root);
  if (type == DRIVE_UNKNOWN || type == DRIVE_NO_ROOT_DIR) return std::nullopt;
  DirKind kind;
  kind.local = type != DRIVE_REMOTE;
  return kind;
}

// Nobody else can delete or rename a file while our handle (no FILE_SHARE_DELETE)
// is open, so the name is marked for deletion through that very handle, and
// only then closed: a failure leaves the handle, and so the lock, as it was.
bool Remove(const std::string& path, const Held& held, Removed* out, SysError* err) {
  HANDLE h = reinterpret_cast<HANDLE>(held.handle);
  std::wstring wpath = Wide(path);
  UniqueHandle there = Open(wpath, FILE_READ_ATTRIBUTES, kShareAll, OPEN_EXISTING,
                            FILE_FLAG_OPEN_REPARSE_POINT | FILE_FLAG_BACKUP_SEMANTICS);
  if (!there) {
    DWORD e = GetLastError();
    if (e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND) return Fail(err, "lstat");
    *out = Removed::kVanished;
  } else {
    BY_HANDLE_FILE_INFORMATION a, b;
    bool same = GetFileInformationByHandle(h, &a) && GetFileInformationByHandle(there.get(), &b) &&
                a.dwVolumeSerialNumber == b.dwVolumeSerialNumber && a.nFileIndexHigh == b.nFileIndexHigh &&
                a.nFileIndexLow == b.nFileIndexLow;
    there.reset();
    if (!same) {
      *out = Removed::kReplaced;
    } else {
      FILE_DISPOSITION_INFO disposition;
      disposition.DeleteFile = TRUE;
      if (!SetFileInformationByHandle(h, FileDispositionInfo, &disposition, sizeof disposition)) {
        return Fail(err, "unlink");
      }
      *out = Removed::kRemoved;
    }
  }
  Close(held.handle);
  return true;
}

}  // namespace pidlock
