import os = require('node:os');
import util = require('node:util');

/**
 * The platform's own error numbers, as the code names and numbers Node's fs
 * errors carry, so that callers handle both backends alike. The addon reports
 * the raw number (errno, or GetLastError() on Windows); this is the one table.
 *
 * It stays in backend/, beside the code that asks the OS, though it makes no
 * call: nothing in it is a lock rule, every answer is a fact of the platform
 * under us (Win32's numbers, this kernel's errno values, libuv's numbering on
 * this OS), and the core asks it the way it asks host.ts or fsinfo.ts: to name
 * what the OS said (errors.ts: an error's number; assess.ts: an NFS stale handle).
 */

/**
 * The Win32 errors the addon's file calls can report, by the name libuv gives
 * them (uv_translate_sys_error); anything else is EIO. The numbers come from
 * util.getSystemErrorMap(), which is libuv's on every OS.
 */
const WIN32_CODES: Readonly<Record<number, string>> = {
  2: 'ENOENT', // ERROR_FILE_NOT_FOUND
  3: 'ENOENT', // ERROR_PATH_NOT_FOUND
  4: 'EMFILE', // ERROR_TOO_MANY_OPEN_FILES
  5: 'EPERM', // ERROR_ACCESS_DENIED
  19: 'EROFS', // ERROR_WRITE_PROTECT
  32: 'EBUSY', // ERROR_SHARING_VIOLATION
  33: 'EBUSY', // ERROR_LOCK_VIOLATION
  39: 'ENOSPC', // ERROR_HANDLE_DISK_FULL
  80: 'EEXIST', // ERROR_FILE_EXISTS
  112: 'ENOSPC', // ERROR_DISK_FULL
  123: 'ENOENT', // ERROR_INVALID_NAME: as libuv reports it, so both backends agree
  183: 'EEXIST', // ERROR_ALREADY_EXISTS
  206: 'ENAMETOOLONG', // ERROR_FILENAME_EXCED_RANGE
  267: 'ENOTDIR', // ERROR_DIRECTORY
  1921: 'ELOOP', // ERROR_CANT_RESOLVE_FILENAME (the addon's "is a reparse point")
};

let byName: Map<string, number> | undefined;

/** The number Node's own fs errors carry for `code`: libuv's, which on Windows is not the C library's. */
export function errnoOf(code: string): number {
  if (byName === undefined) {
    byName = new Map();
    for (const [errno, [name]] of util.getSystemErrorMap()) byName.set(name, errno);
  }
  return byName.get(code) ?? -1;
}

/** The Node code name of a raw platform error number. */
export function codeOf(raw: number, windows = process.platform === 'win32'): string {
  if (windows) return WIN32_CODES[raw] ?? 'EIO';
  // libuv's codes on POSIX are the negated errno values.
  const name = util.getSystemErrorName(-raw);
  return /^E[A-Z0-9]+$/.test(name) ? name : 'EIO';
}

const ESTALE = os.constants.errno.ESTALE;

/**
 * ESTALE: an NFS file handle the server no longer knows (another client
 * replaced or removed the file). libuv has no name for it, so Node's fs errors
 * say UNKNOWN and the addon's EIO; the number tells. A fresh lookup of the
 * path gets a fresh handle.
 */
export function isStaleHandle(err: unknown): boolean {
  return ESTALE !== undefined && typeof err === 'object' && err !== null && (err as { errno?: number }).errno === -ESTALE;
}
