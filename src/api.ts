import { assess, read } from './assess';
import { selected } from './backend';
import { breakStale } from './breaking';
import { parsePid } from './lockfile';
import { checkLockPath, lockPathOf, type LockOptions } from './paths';
import { checkPid } from './pid';
import { emitWarning, type WarningHandler } from './errors';

/** The functions of the public API that work on a path or a PID rather than a PidLock. */

const { backend } = selected;

/** true: running; false: no such process, a zombie, or exited; null: cannot tell (treat as running). */
export function isProcessAlive(pid: number): boolean | null {
  return backend.probe(checkPid(pid)).alive;
}

/** Milliseconds since the epoch, or null when this platform or backend cannot tell. */
export function getProcessStartTime(pid: number): number | null {
  return backend.probe(checkPid(pid)).startMs;
}

/**
 * Removes the lock file only if its owner is proven dead (or its content is
 * invalid past the grace period), serialised with every other breaker.
 * Returns whether the lock is gone now. Problems are warnings, never throws.
 */
export function removeStaleLock(path: string, onWarning?: WarningHandler): boolean {
  const file = checkLockPath(path);
  try {
    const found = assess(backend, file);
    if (found === null) return true;
    if (!found.verdict.stale) return false;
    const result = breakStale(backend, file, found.seen);
    return result === 'broken' || (result === 'changed' && read(backend, file) === null);
  } catch (err) {
    emitWarning(onWarning, 'PIDLOCK_REMOVE_FAILED', `could not remove stale lock '${file}': ${(err as Error).message}`);
    return false;
  }
}

/** What lockStatus() reports: the programmatic twin of `pidlock status --json`. */
export interface LockStatus {
  /** The absolute lock path. */
  path: string;
  /** held: a live (or unverifiable) owner; stale: removable; free: no lock file. */
  state: 'held' | 'stale' | 'free';
  /** The PID on the file's first line; null when there is no file or no PID in it. */
  pid: number | null;
  /** Whether that PID is running; null when unknown or there is no PID. */
  alive: boolean | null;
  stale: boolean;
  /** Why, in words: the rule that decided. */
  reason: string;
}

/**
 * One read of the lock, judged by the same rules PidLock uses, changing
 * nothing. Throws PidLockError when the path cannot be read, is not a regular
 * file, or holds a file that is not a lock (EFTYPE).
 */
export function lockStatus(options: string | LockOptions): LockStatus {
  const path = lockPathOf(typeof options === 'string' ? { path: options } : options);
  const found = assess(backend, path);
  if (found === null) return { path, state: 'free', pid: null, alive: null, stale: false, reason: 'no lock file' };
  const { seen, verdict } = found;
  return {
    path,
    state: verdict.stale ? 'stale' : 'held',
    pid: seen.pid,
    alive: verdict.alive,
    stale: verdict.stale,
    reason: verdict.reason,
  };
}

/** The public reader: at most MAX_CONTENT bytes, every failure is { pid: null, success: false }. */
export function readLockFilePid(path: string): { pid: number | null; success: boolean } {
  try {
    const st = backend.inspect(path);
    const pid = st !== null && st.type === 'file' ? parsePid(st.head, st.size) : null;
    return pid === null ? { pid: null, success: false } : { pid, success: true };
  } catch {
    return { pid: null, success: false };
  }
}
