import * as fs from 'node:fs';
import { selected } from './backend';
import type { Backend, Held } from './backend/types';
import { breakStale } from './breaking';
import { invalidArg, isErrno, PidLockError } from './errors';
import { fileKey, register, unregister } from './held';
import { formatPid } from './lockfile';
import { observe } from './observe';
import { checkLockPath, lockFilePath, type LockPathOptions } from './paths';
import { tmpPath } from './sidefiles';
import { judge } from './staleness';
import { AbortError, checkWait, type WaitOptions } from './wait';
import { Waiter } from './wake';

export type PidLockOptions = ({ path: string } | LockPathOptions) & {
  /** Receives non-fatal problems (a lock that vanished or was replaced); default: process.emitWarning. */
  onWarning?: (warning: Error & { code: string }) => void;
};

export interface LockOwner {
  pid: number;
  alive: boolean | null;
  stale: boolean;
}

/** Enough rounds of "break a stale lock, try again" for any real race; tryAcquire never waits. */
const ATTEMPTS = 4;

export function emitWarning(onWarning: PidLockOptions['onWarning'], code: string, message: string): void {
  const warning = Object.assign(new Error(message), { name: 'PidLockWarning', code });
  if (onWarning) onWarning(warning);
  else process.emitWarning(message, { type: 'PidLockWarning', code });
}

/** A PID-file lock. Never held by two live processes; a dead holder's lock is taken over. */
export class PidLock {
  readonly path: string;
  readonly #backend: Backend;
  readonly #onWarning: PidLockOptions['onWarning'];
  #held: Held | null = null;
  #key = '';

  constructor(options: PidLockOptions, backend: Backend = selected.backend) {
    if (typeof options !== 'object' || options === null) {
      throw invalidArg('options must be an object: { path } or { name, port?, dir? }', 'ERR_INVALID_ARG_TYPE');
    }
    this.path = 'path' in options && options.path !== undefined
      ? checkLockPath(options.path)
      : lockFilePath(options as LockPathOptions);
    this.#backend = backend;
    this.#onWarning = options.onWarning;
  }

  get held(): boolean {
    return this.#held !== null;
  }

  /** Takes the lock if it is free or stale. Never waits. */
  tryAcquire(): boolean {
    if (this.#held !== null) return true;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        this.#held = this.#backend.publish(this.path, tmpPath(this.path), formatPid(process.pid));
        this.#key = fileKey(this.#held.dev, this.#held.ino);
        register(this.#key, this);
        return true;
      } catch (err) {
        if (!isErrno(err, 'EEXIST')) throw PidLockError.from(err, 'create', this.path);
      }
      const seen = observe(this.#backend, this.path);
      if (seen === null) continue; // released between our create and our read
      if (!judge(this.#backend, seen).stale) return false;
      if (breakStale(this.#backend, this.path, seen) === 'busy') return false;
    }
    return false;
  }

  /** Waits (blocking the thread) until the lock is taken or `timeout` ms pass. */
  acquireSync(opts?: WaitOptions): boolean {
    const { timeout, retryInterval } = checkWait(opts);
    const deadline = Date.now() + timeout;
    let waiter: Waiter | null = null;
    try {
      for (;;) {
        if (this.tryAcquire()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        waiter ??= new Waiter(this.#backend, this.path, retryInterval, false);
        waiter.waitSync(left);
      }
    } finally {
      waiter?.close();
    }
  }

  /** Like acquireSync without blocking the event loop. Resolves false on timeout; rejects with AbortError on abort. */
  async acquire(opts?: WaitOptions & { signal?: AbortSignal }): Promise<boolean> {
    const { timeout, retryInterval } = checkWait(opts);
    const signal = opts?.signal;
    const deadline = Date.now() + timeout;
    let waiter: Waiter | null = null;
    try {
      for (;;) {
        if (signal?.aborted) throw new AbortError(signal.reason);
        if (this.tryAcquire()) return true;
        const left = deadline - Date.now();
        if (left <= 0) return false;
        waiter ??= new Waiter(this.#backend, this.path, retryInterval, true);
        await waiter.wait(left, signal);
      }
    } finally {
      waiter?.close();
    }
  }

  /**
   * Deletes the lock file if this process holds it and the path still names the
   * very file it created. Returns whether a held lock was released.
   */
  release(): boolean {
    const held = this.#held;
    if (held === null) return false;
    this.#held = null;
    unregister(this.#key);
    const windows = process.platform === 'win32';
    // On Windows our own handle (no FILE_SHARE_DELETE) blocks the unlink; on POSIX
    // the flock must outlive the name, so close comes last there.
    if (windows) this.#backend.close(held.handle);
    try {
      const st = fs.lstatSync(this.path, { bigint: true });
      if (st.dev !== held.dev || st.ino !== held.ino) {
        emitWarning(this.#onWarning, 'PIDLOCK_REPLACED', `lock file '${this.path}' was replaced by another process's; left it alone`);
        return false;
      }
      fs.unlinkSync(this.path);
      return true;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        emitWarning(this.#onWarning, 'PIDLOCK_VANISHED', `lock file '${this.path}' was removed by someone else while held`);
        return false;
      }
      throw PidLockError.from(err, 'unlink', this.path);
    } finally {
      if (!windows) this.#backend.close(held.handle);
    }
  }

  /** Who holds the lock, for diagnostics; null when there is no lock file or it names no PID. */
  owner(): LockOwner | null {
    const seen = observe(this.#backend, this.path);
    if (seen === null || seen.pid === null) return null;
    const v = judge(this.#backend, seen);
    return { pid: seen.pid, alive: v.alive, stale: v.stale };
  }
}
