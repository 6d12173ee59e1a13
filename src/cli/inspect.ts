import { selected } from '../backend';
import { lookAt } from '../pidlock';

export interface LockReport {
  path: string;
  /** held: a live (or unverifiable) owner; stale: removable; free: no lock file. */
  state: 'held' | 'stale' | 'free';
  pid: number | null;
  alive: boolean | null;
  stale: boolean;
  reason: string;
}

/**
 * One read of the lock, judged by the library's own stale rules so that the
 * CLI never disagrees with what PidLock would do. Throws PidLockError when the
 * path cannot be read or is not a regular file, or holds a file that is not a lock (EFTYPE).
 */
export function inspectLock(path: string): LockReport {
  const found = lookAt(selected.backend, path);
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
