/**
 * withLock and withLockSync: take a lock, run a function, release the lock
 * however the function ends. A lock that stays busy for the whole wait is an
 * error here (LockBusyError), not a `false` to check.
 */
import { PidLock, type LockOwner, type PidLockOptions } from './pidlock';
import { DEFAULT_TIMEOUT_MS, type WaitOptions } from './wait';

/** The lock stayed held by another process for the whole wait. */
export class LockBusyError extends Error {
  readonly code = 'PIDLOCK_BUSY';
  readonly path: string;
  /** The holder as the last refused try saw it; null if its file named no PID. */
  readonly owner: Pick<LockOwner, 'pid' | 'alive'> | null;
  /** How long it waited, in ms. */
  readonly timeout: number;

  constructor(lock: PidLock, timeout: number) {
    const seen = lock.lastOwner;
    const holder = seen === null ? 'another process' : `PID ${seen.pid} (alive: ${seen.alive ?? 'unknown'})`;
    super(`lock '${lock.path}' is held by ${holder}; gave up after ${timeout} ms: retry later, or wait longer with { timeout }`);
    this.name = 'LockBusyError';
    this.path = lock.path;
    this.owner = seen === null ? null : { pid: seen.pid, alive: seen.alive };
    this.timeout = timeout;
  }
}

/**
 * Acquires the lock (waiting as `acquire(wait)` does), runs `fn` with it, and
 * releases it when `fn` returns, throws, or its promise settles. Rejects with
 * LockBusyError when the wait runs out, and with AbortError when `wait.signal`
 * aborts it; `fn` then never runs.
 */
export async function withLock<T>(options: PidLockOptions, fn: (lock: PidLock) => T | PromiseLike<T>, wait?: WaitOptions): Promise<T> {
  const lock = new PidLock(options);
  if (!(await lock.acquire(wait))) throw new LockBusyError(lock, wait?.timeout ?? DEFAULT_TIMEOUT_MS);
  try {
    return await fn(lock);
  } finally {
    lock.release();
  }
}

/** withLock for synchronous code: waits as acquireSync does, blocking the thread. */
export function withLockSync<T>(options: PidLockOptions, fn: (lock: PidLock) => T, wait?: WaitOptions): T {
  const lock = new PidLock(options);
  if (!lock.acquireSync(wait)) throw new LockBusyError(lock, wait?.timeout ?? DEFAULT_TIMEOUT_MS);
  try {
    return fn(lock);
  } finally {
    lock.release();
  }
}
