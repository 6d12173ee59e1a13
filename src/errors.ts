/**
 * The errors the library throws and the warnings it emits: PidLockError (an
 * errno on a lock path, with what the user can do about it), Node-style
 * bad-argument errors (invalidArg), and the onWarning channel.
 */
import util = require('node:util');
import { nameTooLong } from './names';
import { errnoOf } from './backend/syserror';

/**
 * What a user can do about each errno, so a failed lock tells them more than
 * "EACCES". `<dir>` and `<name>` stand for the user's own settings: the
 * library's options here, the CLI's flags in the CLI (PidLockError#reword).
 */
const ADVICE: Record<string, string> = {
  EACCES: 'this user may not create or open files there; fix the permissions or pass another <dir>',
  EPERM: 'the operation was refused by the OS; fix the permissions or pass another <dir>',
  EROFS: 'the filesystem is read-only; pass a writable <dir>',
  ENOSPC: 'the filesystem is full; free some space or pass another <dir>',
  EDQUOT: 'the disk quota is exhausted; free some space or pass another <dir>',
  ENOENT: 'the directory does not exist; create it or pass another <dir>',
  ENOTDIR: 'a component of the path is not a directory; pass another <dir>',
  ELOOP: 'the lock path is a symbolic link, which pidlock never follows; remove the link or choose another path',
  EISDIR: 'the lock path is a directory; remove it or choose another path',
  ENXIO: 'the lock path is a socket or device, not a regular file; remove it or choose another path',
  EINVAL: 'the lock path is not a regular file (a FIFO, socket or device); remove it or choose another path',
  ENAMETOOLONG: 'the path is too long for this filesystem; use a shorter <name>',
  EMFILE: 'this process has too many open files; close some and retry',
  ENFILE: 'the system has too many open files; retry later',
  EBUSY: 'the file is in use by another process; retry later',
  EDEADLK: 'use the PidLock object that holds it, or release that one first; acquire() waits instead, since other code may release it',
  EINTR: 'your listener for the signal runs once this call returns; end the program or retry there',
  EFTYPE: 'pidlock never deletes a file that is not a lock; choose another path, or remove the file yourself if you know it is unused',
};

/** How advice names the user's settings: `<dir>` and `<name>` in ADVICE. */
export interface AdviceWords {
  dir: string;
  name: string;
}

/** The library's own wording: its options. */
const OPTION_WORDS: AdviceWords = { dir: '{ dir }', name: '{ name } or { dir }' };

/**
 * A refusal by the runtime's own permission system, not by the OS: Deno throws
 * NotCapable (PermissionDenied before Deno 2) when a path lies outside what
 * --allow-read/--allow-write grant. It has no errno code.
 */
function runtimeRefusal(cause: unknown): boolean {
  const name = (cause as { name?: unknown } | null)?.name;
  return name === 'NotCapable' || name === 'PermissionDenied';
}

const RUNTIME_REFUSED =
  "the runtime's permission system refused it, not the OS; grant access to the lock's directory (Deno: --allow-read and --allow-write for it)";

function adviceFor(code: string, words: AdviceWords, cause?: unknown): string {
  if (runtimeRefusal(cause)) return RUNTIME_REFUSED;
  const text = ADVICE[code] ?? 'check the path and its directory';
  return text.replace('<dir>', words.dir).replace('<name>', words.name);
}

/** A lock operation could not decide: the path cannot be read, created or removed. */
export class PidLockError extends Error {
  readonly code: string;
  readonly errno: number;
  readonly syscall: string;
  readonly path: string;

  /** `cause`: the error this one reports, kept for the user (Error's own `cause`). */
  constructor(code: string, syscall: string, path: string, detail?: string, cause?: unknown) {
    const advice = adviceFor(code, OPTION_WORDS, cause);
    super(
      `${code}: cannot ${syscall} lock file '${path}'${detail ? ` (${detail})` : ''}: ${advice}`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'PidLockError';
    this.code = code;
    this.errno = errnoOf(code);
    this.syscall = syscall;
    this.path = path;
  }

  /** The message with its advice in other words: the CLI names its flags, not the library's options. */
  reword(words: AdviceWords): string {
    const own = adviceFor(this.code, OPTION_WORDS, this.cause);
    return this.message.endsWith(own) ? this.message.slice(0, -own.length) + adviceFor(this.code, words, this.cause) : this.message;
  }

  /**
   * Wraps a Node or addon error, keeping its code and syscall, and the error
   * itself as `cause`. A runtime's permission refusal has no errno code: it is
   * reported as EACCES with the runtime's own words.
   */
  static from(err: unknown, syscall: string, lockPath: string): PidLockError {
    if (err instanceof PidLockError) return err;
    const e = err as NodeJS.ErrnoException;
    const refused = runtimeRefusal(err);
    const own = typeof e?.code === 'string' ? e.code : refused ? 'EACCES' : 'EIO';
    // Windows reports a name too long for any filesystem as ENOENT or EINVAL
    // (ERROR_INVALID_NAME), which would send the user looking for a missing directory.
    const code = nameTooLong(lockPath) !== null ? 'ENAMETOOLONG' : own;
    const out = new PidLockError(code, e?.syscall ?? syscall, lockPath, refused ? e.message : undefined, err);
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
