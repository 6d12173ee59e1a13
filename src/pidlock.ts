// PidLock: tryAcquire, acquire, acquireSync and release, built on assess()
// (look), breakStale() (remove a stale lock) and the backend's publish.
import path = require('node:path');
import { assess } from './assess';
import { selected } from './backend';
import { nameTooLong } from './names';
import type { Backend, Held } from './backend/types';
import { breakStale } from './breaking';
import { watchHeld } from './compromise';
import { emitWarning, invalidArg, isErrno, PidLockError, showValue, type WarningHandler } from './errors';
import { markerFor, type Policy } from './domain';
import { formatContent } from './lockfile';
import { leaseOf, lockPathOf, policyOf, type LockOptions } from './paths';
import { fileKey, register, unregister } from './registry';
import { rehearseOnce } from './rehearsal';
import { refuseSelfDeadlock } from './sync-wait';
import { AbortError, checkWait, type WaitOptions } from './wait';
import { isFdExhaustion, type Waiter } from './wake';
import { AsyncWaiter } from './wake-async';
import { SyncWaiter } from './wake-sync';

export type PidLockOptions = LockOptions & {
  /** Receives non-fatal problems (a lock that vanished or was replaced); default: process.emitWarning. */
  onWarning?: WarningHandler;
  /**
   * Called (from a microtask) when the held lock file was deleted or replaced
   * behind this holder's back: another process may hold the lock now, and
   * `held` is false. Default: `onWarning` with code PIDLOCK_COMPROMISED.
   */
  onCompromised?: WarningHandler;
  /**
   * A lease in ms (at least 1000), for directories shared by several hosts: the
   * holder refreshes the file's mtime every lease/3 and publishes the lease in
   * its marker, and a contender of another host, boot or PID namespace takes a
   * lock whose mtime is older than the lease. A holder frozen longer than that
   * (SIGSTOP, a suspended VM) loses the lock while it may still run.
   */
  lease?: number;
};

export interface LockOwner {
  pid: number;
  alive: boolean | null;
  stale: boolean;
}

/**
 * The descriptor carrying `lock`'s kernel lock, for `pidlock run` to hand to
 * its command; null when not held or when the backend has none to hand.
 * Not a method: it is no part of the public API.
 */
export let kernelLockDescriptor: (lock: PidLock) => number | null;

/** Enough rounds of "break a stale lock, try again" for any real race; tryAcquire never waits. */
const ATTEMPTS = 4;

/** A PID-file lock. Never held by two live processes; a dead holder's lock is taken over. */
export class PidLock {
  readonly path: string;
  readonly #backend: Backend;
  readonly #onWarning: PidLockOptions['onWarning'];
  readonly #onCompromised: PidLockOptions['onCompromised'];
  readonly #policy: Policy;
  #refresh: NodeJS.Timeout | null = null;
  #written: Written | null = null;
  #held: Held | null = null;

  static {
    kernelLockDescriptor = (lock) => (lock.#held === null ? null : lock.#backend.descriptor(lock.#held));
  }
  #key = '';
  /** The last try was refused: the next one looks before it creates. */
  #refused = false;
  #lastOwner: LockOwner | null = null;

  constructor(options: PidLockOptions, backend: Backend = selected.backend) {
    this.path = lockPathOf(options);
    // Refused before anything is created: a lock that could be created but not
    // broken once its holder died would be worse than none.
    const tooLong = nameTooLong(this.path);
    if (tooLong !== null) throw new PidLockError('ENAMETOOLONG', 'create', this.path, tooLong);
    const leaseMs = leaseOf(options);
    this.#policy = leaseMs === null ? policyOf(options) : { ...policyOf(options), leaseMs };
    this.#backend = backend;
    // Checked now: a wrong value would otherwise surface only when a lock is lost, from a timer.
    if (options.onCompromised !== undefined && typeof options.onCompromised !== 'function') {
      throw invalidArg(`onCompromised must be a function, received ${showValue(options.onCompromised)}`, 'ERR_INVALID_ARG_TYPE');
    }
    this.#onWarning = options.onWarning;
    this.#onCompromised = options.onCompromised;
  }

  /**
   * Whether this object holds the lock, looked up now: the path must still name
   * the very file it published (same dev/inode). A file deleted or replaced
   * behind our back ends the tenure here, with the onCompromised notification;
   * the watchdog (src/compromise.ts) asks the same question every few seconds.
   * A look that fails (EACCES on the directory, EMFILE) proves no loss: true.
   */
  get held(): boolean {
    const held = this.#held;
    if (held === null) return false;
    let now;
    try {
      now = this.#backend.inspect(this.path);
    } catch (err) {
      if (!isErrno(err, 'ENOTDIR')) return true;
      now = null; // a directory on the path was replaced by a file: ours is gone
    }
    if (now !== null && now.dev === held.dev && now.ino === held.ino) return true;
    this.#lost(held, now === null ? 'deleted' : 'replaced with another file');
    return false;
  }

  #lost(held: Held, how: string): void {
    this.#endTenure();
    try {
      // Our kernel lock is on a file nobody can reach by the name any more.
      this.#backend.close(held);
    } catch {
      // Nothing is left to protect with it.
    }
    const message =
      `lock file '${this.path}' was ${how} while this process held it: another process may hold the lock now. ` +
      'Stop the work it protects, or acquire it again; keep lock files out of directories that temp cleaners or other tools empty';
    // Deferred: the getter and the watchdog must not be cut short by a throwing callback.
    queueMicrotask(() => emitWarning(this.#onCompromised ?? this.#onWarning, 'PIDLOCK_COMPROMISED', message));
  }

  /** Takes the lock if it is free or stale. Never waits. */
  tryAcquire(): boolean {
    if (this.held) return true;
    // The first try creates at once: uncontended, that is all it takes. After a
    // refusal, tries look first and create only once the lock is gone or broken:
    // a poll then costs one read instead of a publish that is bound to fail.
    let look = this.#refused;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const seen = look ? this.#lookAndBreak() : 'free';
      if (seen !== 'free') return this.#refuse(seen);
      look = true;
      try {
        const written = this.#written ?? this.#plan();
        this.#held = this.#backend.publish(this.path, written.content);
        // Kept once a publish succeeded: the directory existed to be asked about.
        this.#written = written;
        if (written.leaseSec !== null) this.#keepLease(written.leaseSec);
      } catch (err) {
        if (isErrno(err, 'EEXIST')) continue;
        // A full, read-only or closed directory says nothing about the lock in
        // it: a live holder still means "taken", not "no lock, carry on".
        const holder = this.#heldAnyway();
        if (holder !== null) return this.#refuse(holder);
        throw PidLockError.from(err, 'create', this.path);
      }
      this.#key = fileKey(this.#held.dev, this.#held.ino);
      register(this.#key, this);
      watchHeld();
      this.#refused = false;
      this.#lastOwner = null;
      return true;
    }
    return this.#refuse(null);
  }

  /**
   * What this object publishes. The marker depends only on the directory, the
   * options and this process, so after the first successful publish the hot
   * path does not ask again (#written).
   */
  #plan(): Written {
    const marker = markerFor(path.dirname(this.path), this.#policy, this.#backend.name === 'native');
    return { content: formatContent(process.pid, marker), leaseSec: marker?.leaseSec ?? null };
  }

  /** Forgets the held file: no lease refresh, out of the registry. */
  #endTenure(): void {
    this.#held = null;
    if (this.#refresh !== null) clearInterval(this.#refresh);
    this.#refresh = null;
    unregister(this.#key);
  }

  /**
   * Refreshes the mtime of the held file through its descriptor (the same
   * inode, whatever the path names now) well within the published lease. The
   * timer keeps no process alive; a refresh that fails lets the lease run
   * out, which is what a lease promises contenders.
   */
  #keepLease(leaseSec: number): void {
    const held = this.#held as Held;
    this.#refresh = setInterval(
      () => {
        try {
          this.#backend.touch(held);
        } catch {
          // Contenders take the lock once the lease runs out; nothing else to do here.
        }
      },
      Math.floor((leaseSec * 1000) / 3),
    );
    this.#refresh.unref();
  }

  /** `holder`: whom the refusing look saw, kept so the caller need not read the file again. */
  #refuse(holder: Assessed | null): false {
    this.#refused = true;
    this.#lastOwner = holder === null || holder.seen.pid === null ? null : ownerOf(holder.seen.pid, holder);
    return false;
  }

  /** 'free': no lock, or a stale one that is gone now (by us or another breaker); create next. Else who holds it. */
  #lookAndBreak(): Assessed | 'free' {
    const found = assess(this.#backend, this.path, 'throw', this.#policy);
    if (found === null) return 'free';
    if (!found.verdict.stale) return found;
    return breakStale(this.#backend, this.path, found.seen, this.#policy) === 'busy' ? found : 'free';
  }

  /** After a failed publish: the lock a live (or unverifiable) process holds, if there is one. */
  #heldAnyway(): Assessed | null {
    let found;
    try {
      found = assess(this.#backend, this.path, 'throw', this.#policy);
    } catch (err) {
      if (isErrno(err, 'EFTYPE')) throw err;
      return null; // unreadable too: the publish error says more
    }
    return found !== null && !found.verdict.stale ? found : null;
  }

  /**
   * Who held the lock when the last try was refused, as that try saw it; null
   * after a success, before any refusal, or when the holder's file named no PID.
   */
  get lastOwner(): LockOwner | null {
    return this.#lastOwner;
  }

  /** Waits (blocking the thread) until the lock is taken or `timeout` ms pass. */
  acquireSync(opts?: WaitOptions): boolean {
    const { timeout, retryInterval, signal } = checkWait(opts);
    let waiter: SyncWaiter | null = null;
    const loop = this.#attempts(timeout, signal, () => waiter);
    try {
      for (let step = loop.next(); ; step = loop.next()) {
        if (step.done) return step.value;
        if (waiter === null) {
          refuseSelfDeadlock(this.#backend, this.path);
          this.#rehearse();
        }
        waiter ??= new SyncWaiter(this.#backend, this.path, retryInterval);
        waiter.waitSync(step.value);
      }
    } finally {
      waiter?.close();
    }
  }

  /** Like acquireSync without blocking the event loop. Resolves false on timeout; rejects with AbortError on abort. */
  async acquire(opts?: WaitOptions): Promise<boolean> {
    const { timeout, retryInterval, signal } = checkWait(opts);
    let waiter: AsyncWaiter | null = null;
    const loop = this.#attempts(timeout, signal, () => waiter);
    try {
      for (let step = loop.next(); ; step = loop.next()) {
        if (step.done) return step.value;
        if (waiter === null) this.#rehearse();
        waiter ??= new AsyncWaiter(this.#backend, this.path, retryInterval);
        await waiter.wait(step.value, signal);
      }
    } finally {
      waiter?.close();
    }
  }

  /** A process's first wait: a takeover and a tenure, rehearsed in memory (src/rehearsal.ts). */
  #rehearse(): void {
    rehearseOnce(this.#backend, this.path, this.#policy, (memory) => new PidLock({ path: this.path }, memory));
  }

  /**
   * The loop of acquire() and acquireSync(): attempts until one takes the lock
   * (true) or the time is up (false). Each value it yields is a wait of at most
   * that many ms, which the caller does its own way: that is the whole
   * difference between the two.
   */
  *#attempts(timeout: number, signal: AbortSignal | undefined, waiter: () => Waiter | null): Generator<number, boolean> {
    const deadline = performance.now() + timeout;
    for (;;) {
      // Nothing can abort a blocked thread; a signal aborted before the call still counts.
      if (signal?.aborted) throw new AbortError(signal.reason);
      if (this.#tryUnwatched(waiter())) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      yield left;
    }
  }

  /**
   * tryAcquire(), whose answer the waiter's own watches never cost: a try that
   * ran out of descriptors while they held some is tried again without them.
   */
  #tryUnwatched(waiter: Waiter | null): boolean {
    try {
      return this.tryAcquire();
    } catch (err) {
      if (waiter === null || !isFdExhaustion(err) || !waiter.shed()) throw err;
      return this.tryAcquire();
    }
  }

  /**
   * Deletes the lock file if this process holds it and the path still names the
   * very file it created. Returns whether a held lock was released.
   *
   * The identity check and the unlink are two steps: no OS offers "unlink this
   * name if it names this inode". A foreign deletion plus a successor's publish
   * landing between them would delete the successor's lock. Renaming ours aside
   * first would not close it (putting back a file that turned out not to be
   * ours leaves the name empty for a moment, a worse window). So the window
   * stays, documented with onCompromised: both a removal and a successor's
   * publish must land in the microseconds between the two steps. A removal any
   * earlier is caught by the check here, or sooner by the watchdog, which also
   * tells a holder that would otherwise have run on for hours.
   */
  release(): boolean {
    const held = this.#held;
    if (held === null) return false;
    let how;
    try {
      how = this.#backend.remove(this.path, held);
    } catch (err) {
      // Still ours (the backend closed nothing): a retry, or the exit hook, can finish the job.
      throw PidLockError.from(err, 'unlink', this.path);
    }
    this.#endTenure();
    if (how === 'replaced') {
      emitWarning(this.#onWarning, 'PIDLOCK_REPLACED', `lock file '${this.path}' was replaced by another process's; left it alone`);
    } else if (how === 'vanished') {
      emitWarning(this.#onWarning, 'PIDLOCK_VANISHED', `lock file '${this.path}' was removed by someone else while held`);
    }
    return how === 'removed';
  }

  /** Who holds the lock, for diagnostics; null when there is no lock file or it names no PID. */
  owner(): LockOwner | null {
    const found = assess(this.#backend, this.path, 'report', this.#policy);
    if (found === null || found.seen.pid === null) return null;
    return ownerOf(found.seen.pid, found);
  }

  /** `using lock = ...` (TypeScript 5.2+, Node >= 20.4): released at the end of the scope. */
  [Symbol.dispose](): void {
    this.release();
  }

  /** `await using lock = ...`: the same, for async disposal stacks. */
  [Symbol.asyncDispose](): Promise<void> {
    // Released at once; a release error rejects.
    return new Promise((resolve) => resolve(void this.release()));
  }
}

type Assessed = NonNullable<ReturnType<typeof assess>>;

interface Written {
  content: string;
  leaseSec: number | null;
}

function ownerOf(pid: number, { verdict }: Assessed): LockOwner {
  return { pid, alive: verdict.alive, stale: verdict.stale };
}
