import { selected } from './backend';
import { breakStale } from './breaking';
import { parsePid } from './lockfile';
import { assess, read, type Origin } from './assess';
import { DEFAULT_POLICY } from './domain';
import { checkLockPath, lockPathOf, policyOf, type LockOptions } from './paths';
import { checkPid } from './pid';
import { emitWarning, invalidArg, showValue, type WarningHandler } from './errors';

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

export interface RemoveStaleOptions {
  /**
   * Also remove a lock whose owner cannot be checked from here (written on
   * another host, boot or PID namespace, or unmarked on a shared filesystem):
   * for an operator who knows that owner is gone. Never a lock whose kernel
   * lock is held, nor one whose owner runs in this PID namespace.
   */
  force?: boolean;
  /** The lock's directory is used by this host alone, whatever its filesystem (as PidLock's option). */
  singleHost?: boolean;
  /** Receives the problems; default: process.emitWarning. */
  onWarning?: WarningHandler;
}

function removeOptions(options: unknown): RemoveStaleOptions {
  if (options === undefined || typeof options === 'function') return { onWarning: options as WarningHandler | undefined };
  const o = options as RemoveStaleOptions;
  const bad = (what: string) => invalidArg(`removeStaleLock: ${what}`, 'ERR_INVALID_ARG_TYPE');
  if (typeof o !== 'object' || o === null)
    throw bad(`options must be { force?, singleHost?, onWarning? } or a warning handler, received ${showValue(options)}`);
  if (o.force !== undefined && typeof o.force !== 'boolean') throw bad(`force must be a boolean, received ${showValue(o.force)}`);
  if (o.singleHost !== undefined && typeof o.singleHost !== 'boolean')
    throw bad(`singleHost must be a boolean, received ${showValue(o.singleHost)}`);
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function')
    throw bad(`onWarning must be a function, received ${showValue(o.onWarning)}`);
  return o;
}

/**
 * Removes the lock file only if its owner is proven dead (or its content is
 * invalid past the grace period), serialised with every other breaker; with
 * `force`, also one that cannot be checked from here, through the same
 * election. Returns whether the lock is gone now. Problems are warnings; only
 * invalid arguments throw. A bare function is taken as `onWarning`.
 */
export function removeStaleLock(path: string, options?: RemoveStaleOptions | WarningHandler): boolean {
  const file = checkLockPath(path);
  const { force, singleHost, onWarning } = removeOptions(options);
  const policy = { ...DEFAULT_POLICY, force: force === true, singleHost: singleHost === true };
  try {
    const found = assess(backend, file, 'throw', policy);
    if (found === null) return true;
    if (!found.verdict.stale) {
      // Forced, and still uncheckable: force was refused (a kernel lock this process cannot see); say why.
      if (policy.force && found.verdict.uncheckable) {
        emitWarning(onWarning, 'PIDLOCK_REMOVE_FAILED', `could not remove lock '${file}': ${found.verdict.reason}`);
      }
      return false;
    }
    const result = breakStale(backend, file, found.seen, policy);
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
  /**
   * Where the lock was written: 'here' (this host, boot and PID namespace, or
   * an unmarked lock on a local directory), 'other' (another host, boot or PID
   * namespace: its owner cannot be checked from here), 'unknown' (unmarked on
   * a shared filesystem); null: no lock file.
   */
  origin: Origin | null;
  /** The writer's host name from the lock's marker; null: no marker. */
  host: string | null;
}

/**
 * One read of the lock, judged by the same rules PidLock uses, changing
 * nothing. Throws PidLockError when the path cannot be read, is not a regular
 * file, or holds a file that is not a lock (EFTYPE).
 */
export function lockStatus(options: string | LockOptions): LockStatus {
  const named = typeof options === 'string' ? { path: options } : options;
  const path = lockPathOf(named);
  const found = assess(backend, path, 'throw', policyOf(named));
  if (found === null)
    return { path, state: 'free', pid: null, alive: null, stale: false, reason: 'no lock file', origin: null, host: null };
  const { seen, verdict } = found;
  return {
    path,
    state: verdict.stale ? 'stale' : 'held',
    pid: seen.pid,
    alive: verdict.alive,
    stale: verdict.stale,
    reason: verdict.reason,
    origin: seen.origin,
    host: seen.marker?.host ?? null,
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
