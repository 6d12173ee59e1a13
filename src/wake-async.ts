// acquire()'s waits on the event loop (fs.watch on the lock, an armed exit watch, a timer).
import type { Backend, LockWatch } from './backend/types';
import { installExitHook } from './registry';
import { AbortError } from './wait';
import { Waiter } from './wake';

/**
 * acquire()'s waits, on the event loop: the lock file through the backend's
 * watchLock (fs.watch), the owner's exit through an armed exit watch whose
 * callback comes back to this thread, and a timer.
 */
export class AsyncWaiter extends Waiter {
  #watch: LockWatch | null = null;
  /** The watch fired: it may watch an inode the lock no longer has, so the next wait makes a new one. */
  #fired = false;
  #armed: object | null = null;
  #pending = false; // an event came while nobody waited
  #wakeUp: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(backend: Backend, lockPath: string, retryInterval: number) {
    super(backend, lockPath, retryInterval);
    installExitHook();
  }

  /** Resolves when the lock may have changed, or after the timer; rejects on abort. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    this.#clearTimer();
    if (!this.prepare() || this.#takePending()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (err?: Error) => {
        // The timer of a wait that ended otherwise may still fire: it is
        // cleared at the next wait or at close, not on the way to the lock.
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        this.#wakeUp = null;
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => finish(new AbortError(signal?.reason));
      this.#timer = setTimeout(finish, this.timer(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#wakeUp = () => finish();
    });
  }

  /**
   * Everything is dropped after the caller has the lock: a wait ends in a
   * promise job, and a tick queued from one runs once the jobs queued
   * meanwhile (the caller's continuation among them) have run. Dropping at
   * once put work that a first hand-off runs cold on its path: Node's first
   * clearTimeout, closing the file watch, and the disarm, which joins the
   * exit watch's thread (~0.5 ms while the holder lives on, as after a
   * release). An event in between only records a wake that nobody waits for.
   */
  override close(): void {
    this.#wakeUp = null;
    process.nextTick(() => {
      this.#clearTimer();
      super.close();
    });
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  protected watchFile(): 'kept' | 'watching' | 'gone' | 'none' {
    if (this.#watch !== null && !this.#fired) return 'kept';
    // The new one first: the old one may share its inode, whose kernel watch then stays.
    const watch = this.backend.watchLock(this.path, () => {
      if (this.#watch === watch) this.#fired = true;
      this.#signal();
    });
    this.dropFile();
    if (watch === 'gone' || watch === null) return watch ?? 'none';
    this.#watch = watch;
    this.#fired = false;
    return 'watching';
  }

  protected dropFile(): void {
    this.#watch?.close();
    this.#watch = null;
  }

  protected armExit(watch: number): boolean {
    // Delivered to this thread while it waits on the event loop.
    this.#armed =
      this.wake?.armExitWatch(watch, () => {
        this.dropExit();
        this.#signal();
      }) ?? null;
    return this.#armed !== null;
  }

  protected disarmExit(): void {
    if (this.#armed !== null) this.wake?.disarmExitWatch(this.#armed);
    this.#armed = null;
  }

  #takePending(): boolean {
    const p = this.#pending;
    this.#pending = false;
    return p;
  }

  #signal(): void {
    if (this.#wakeUp !== null) this.#wakeUp();
    else this.#pending = true;
  }
}
