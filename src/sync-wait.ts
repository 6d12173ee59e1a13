import os = require('node:os');
import { isMainThread } from 'node:worker_threads';
import { read } from './assess';
import type { Backend, WakeApi } from './backend/types';
import { PidLockError } from './errors';
import { dieBySignal, onlyOurs, suspendSignalHooks } from './exit-hook';
import { isHeldHere } from './registry';

/**
 * What acquireSync() owes a thread that it blocks: it cannot run JS, so neither
 * signal listeners nor worker.terminate() can reach it while it sits in the
 * kernel. This file keeps each blocking stretch short or interruptible.
 */

/**
 * The longest a worker thread's native blocking wait stays in C++ at a time. V8
 * notices worker.terminate() only once JS runs again, so a longer wait delays
 * the worker's end by as much; each extra return costs one call and one poll(),
 * ~0.16 ms of CPU here. The main thread has no terminate() to notice, and
 * signals wake its wait (or end the process) in any case: it waits in one piece.
 */
export const SYNC_CHUNK_MS = 250;

/** acquireSync() would wait for itself: this thread holds the lock through another PidLock object. */
export function refuseSelfDeadlock(backend: Backend, lockPath: string): void {
  let seen;
  try {
    seen = read(backend, lockPath);
  } catch {
    return; // the wait's own looks report it
  }
  if (seen !== null && seen.pid === process.pid && isHeldHere(seen.key)) {
    throw new PidLockError(
      'EDEADLK',
      'acquire',
      lockPath,
      'this thread already holds it through another PidLock object or the singleton, and a blocked thread cannot release it',
    );
  }
}

function signalName(n: number): NodeJS.Signals {
  const found = Object.entries(os.constants.signals).find(([, v]) => v === n);
  return (found?.[0] ?? 'SIGTERM') as NodeJS.Signals;
}

/**
 * SIGINT, SIGTERM and SIGHUP during acquireSync(). With the native backend on
 * POSIX (main thread), the addon's trap wakes the wait; then, when no listener
 * but ours wants the signal, the locks are released and the process ends by
 * the signal as it would have; when the app has a listener, the signal is
 * raised again for it and the wait ends with EINTR, so that the listener runs.
 * Elsewhere (the JS backend, Windows, worker threads) nothing wakes the wait:
 * our listeners, when they are the only ones, are taken off for its length, so
 * the default action ends the process at once and held locks are left to be
 * found stale.
 */
export class SignalGuard {
  readonly #wake: WakeApi | undefined;
  readonly #path: string;
  #trapped = false;
  #restore: (() => void) | null = null;
  readonly #chunkMs = isMainThread ? Infinity : SYNC_CHUNK_MS;

  constructor(wake: WakeApi | undefined, lockPath: string) {
    this.#wake = wake;
    this.#path = lockPath;
    // Signal events reach the main thread's listeners only.
    if (!isMainThread) return;
    if (wake !== undefined && wake.trapSignals()) this.#trapped = true;
    else this.#restore = suspendSignalHooks();
  }

  /** Blocks on the watches (-1: none) for up to `ms`, a chunk at a time; throws EINTR or ends the process on a signal. */
  waitWatches(wake: WakeApi, exitWatch: number, fileWatch: number, ms: number): 'exit' | 'file' | 'timeout' {
    const end = performance.now() + ms;
    for (;;) {
      const left = end - performance.now();
      if (left <= 0) return 'timeout';
      const woken = wake.waitWatches(exitWatch, fileWatch, Math.min(left, this.#chunkMs));
      if (woken === 'signal') {
        const signal = this.end();
        if (signal !== null) {
          throw new PidLockError('EINTR', 'acquire', this.#path, `${signal} arrived while waiting`);
        }
      } else if (woken !== 'timeout') {
        return woken;
      }
    }
  }

  /**
   * Undoes the trap or the suspension. A signal trapped meanwhile ends the
   * process here, or is raised again for the app's listener: then its name.
   */
  end(): NodeJS.Signals | null {
    this.#restore?.();
    this.#restore = null;
    if (!this.#trapped || this.#wake === undefined) return null;
    this.#trapped = false;
    const n = this.#wake.untrapSignals();
    if (n === 0) return null;
    const signal = signalName(n);
    if (onlyOurs(signal)) dieBySignal(signal);
    // Delivered to the listeners as Node would have, once this thread is back in
    // the event loop. Not raised again: Node's signal handles do not keep the
    // loop alive, so a program with nothing else to do would exit without them.
    setImmediate(() => process.emit(signal, signal));
    return signal;
  }
}
