// acquireSync()'s waits: the thread blocks in the kernel on the owner's exit and the lock file.
import type { Backend } from './backend/types';
import { installExitHook } from './registry';
import { SignalGuard } from './sync-wait';
import { Waiter } from './wake';

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread without spinning. */
function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

/**
 * acquireSync()'s waits, blocking the thread in the kernel on the owner's exit
 * and the lock file (native backend), or sleeping out the timer.
 */
export class SyncWaiter extends Waiter {
  #file = -1;
  /** The watch fired: it may watch an inode the lock no longer has, so the next wait makes a new one. */
  #fired = false;
  #failed = false;
  readonly #signals: SignalGuard;

  constructor(backend: Backend, lockPath: string, retryInterval: number) {
    super(backend, lockPath, retryInterval);
    // Why a waiter installs it: installExitHook(). Before the guard, which traps
    // (or takes off, for the wait's length) the listeners it installs.
    installExitHook();
    this.#signals = new SignalGuard(this.wake, lockPath);
  }

  waitSync(ms: number): void {
    if (!this.prepare()) return;
    const t = this.timer(ms);
    if (this.wake === undefined) {
      sleepSync(t);
      return;
    }
    const woken = this.#signals.waitWatches(this.wake, this.exitWatch, this.#file, t);
    if (woken === 'exit') this.dropExit();
    else if (woken === 'file') this.#fired = true;
  }

  override close(): void {
    this.#signals.end();
    super.close();
  }

  protected watchFile(): 'kept' | 'watching' | 'gone' | 'none' {
    if (this.wake === undefined || this.#failed) return 'none';
    if (this.#file !== -1 && !this.#fired) return 'kept';
    // The new one first: the old one may share its inode, whose kernel watch then stays.
    const w = this.wake.watchFile(this.path);
    this.dropFile(false);
    if (w === false) return 'gone';
    if (w === null) {
      this.#failed = true;
      return 'none';
    }
    this.#file = w;
    this.#fired = false;
    return 'watching';
  }

  protected dropFile(now: boolean): void {
    if (this.#file !== -1) this.wake?.closeFileWatch(this.#file, now);
    this.#file = -1;
  }

  // Polled by waitWatches itself.
  protected armExit(): boolean {
    return true;
  }

  protected disarmExit(): void {}
}
