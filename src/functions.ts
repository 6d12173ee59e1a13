import { selected } from './backend';
import { breakStale } from './breaking';
import { observe } from './observe';
import { checkPid } from './pid';
import { checkLockPath } from './paths';
import { emitWarning, lookAt, type PidLockOptions } from './pidlock';

const { backend } = selected;

/** true: running; false: no such process, a zombie, or exited; null: cannot tell (treat as running). */
export function isProcessAlive(pid: number): boolean | null {
  return backend.isProcessAlive(checkPid(pid));
}

/** Milliseconds since the epoch, or null when this platform or backend cannot tell. */
export function getProcessStartTime(pid: number): number | null {
  return backend.getProcessStartTime(checkPid(pid));
}

/**
 * Removes the lock file only if its owner is proven dead (or its content is
 * invalid past the grace period), serialised with every other breaker.
 * Returns whether the lock is gone now. Problems are warnings, never throws.
 */
export function removeStaleLock(path: string, onWarning?: PidLockOptions['onWarning']): boolean {
  const file = checkLockPath(path);
  try {
    const found = lookAt(backend, file);
    if (found === null) return true;
    if (!found.verdict.stale) return false;
    const result = breakStale(backend, file, found.seen);
    return result === 'broken' || (result === 'changed' && observe(backend, file) === null);
  } catch (err) {
    emitWarning(onWarning, 'PIDLOCK_REMOVE_FAILED', `could not remove stale lock '${file}': ${(err as Error).message}`);
    return false;
  }
}
