import path = require('node:path');
import util = require('node:util');
import { NAME_MAX, nameLength } from './backend/names';
import { errnoOf } from './backend/syserror';

/** What a user can do about each errno, so a failed lock tells them more than "EACCES". */
const ADVICE: Record<string, string> = {
  EACCES: 'this user may not create or open files there; fix the permissions or pass another { dir }',
  EPERM: 'the operation was refused by the OS; fix the permissions or pass another { dir }',
  EROFS: 'the filesystem is read-only; pass a writable { dir }',
  ENOSPC: 'the filesystem is full; free some space or pass another { dir }',
  EDQUOT: 'the disk quota is exhausted; free some space or pass another { dir }',
  ENOENT: 'the directory does not exist; create it or pass another { dir }',
  ENOTDIR: 'a component of the path is not a directory; pass another { dir }',
  ELOOP: 'the lock path is a symbolic link, which pidlock never follows; remove the link or choose another path',
  EISDIR: 'the lock path is a directory; remove it or choose another path',
  ENXIO: 'the lock path is a socket or device, not a regular file; remove it or choose another path',
  EINVAL: 'the lock path is not a regular file (a FIFO, socket or device); remove it or choose another path',
  ENAMETOOLONG: 'the path is too long for this filesystem; use a shorter { name } or { dir }',
  EMFILE: 'this process has too many open files; close some and retry',
  ENFILE: 'the system has too many open files; retry later',
  EBUSY: 'the file is in use by another process; retry later',
  EDEADLK: 'use the PidLock object that holds it, or release that one first; acquire() waits instead, since other code may release it',
  EINTR: 'your listener for the signal runs once this call returns; end the program or retry there',
  EFTYPE: 'pidlock never deletes a file that is not a lock; choose another path, or remove the file yourself if you know it is unused',
};

/**
 * A file name no common filesystem can hold: 255 bytes (ext4, APFS) or 255
 * UTF-16 units (NTFS). Windows reports such a name as ENOENT or EINVAL
 * (ERROR_INVALID_NAME), which would send the user looking for a missing
 * directory, so any failure on such a name is reported as ENAMETOOLONG.
 */
export function nameTooLong(lockPath: string): boolean {
  return nameLength(path.basename(lockPath)) > NAME_MAX;
}

/** A lock operation could not decide: the path cannot be read, created or removed. */
export class PidLockError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string;

  constructor(code: string, syscall: string, path: string, detail?: string) {
    const advice = ADVICE[code] ?? 'check the path and its directory';
    super(`${code}: cannot ${syscall} lock file '${path}'${detail ? ` (${detail})` : ''}: ${advice}`);
    this.name = 'PidLockError';
    this.code = code;
    this.errno = errnoOf(code);
    this.syscall = syscall;
    this.path = path;
  }

  /** Wraps a Node or addon error, keeping its code and syscall. */
  static from(err: unknown, syscall: string, lockPath: string): PidLockError {
    if (err instanceof PidLockError) return err;
    const e = err as NodeJS.ErrnoException;
    const own = typeof e?.code === 'string' ? e.code : 'EIO';
    const code = nameTooLong(lockPath) ? 'ENAMETOOLONG' : own;
    const out = new PidLockError(code, e?.syscall ?? syscall, lockPath);
    // The OS's own number, but only for its own code.
    if (code === own && typeof e?.errno === 'number') (out as { errno: number }).errno = e.errno;
    return out;
  }
}

/** A value for an error message: never throws (JSON.stringify does on a BigInt), and short. */
export function showValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null)
    return `an object (${util.inspect(value, { depth: 0, breakLength: Infinity }).slice(0, 60)})`;
  return String(value);
}

export function invalidArg(message: string, code = 'ERR_INVALID_ARG_VALUE', Ctor: ErrorConstructor = TypeError): Error {
  const err = new Ctor(message) as Error & { code: string };
  err.code = code;
  return err;
}

export function isErrno(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: string }).code ?? '');
}

/** Receives a non-fatal problem (a PIDLOCK_* code); the default is process.emitWarning. */
export type WarningHandler = (warning: Error & { code: string }) => void;

export function emitWarning(onWarning: WarningHandler | undefined, code: string, message: string): void {
  const warning = Object.assign(new Error(message), { name: 'PidLockWarning', code });
  if (onWarning) onWarning(warning);
  else process.emitWarning(message, { type: 'PidLockWarning', code });
}
