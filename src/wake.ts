// Waiter: what a waiting acquire blocks on between tries: the owner's exit, a
// change in the lock's directory, or its timer.
import fs = require('node:fs');
import path = require('node:path');
import type { Backend, WakeApi } from './backend/types';
import { assess, judgeSeen, judgeSideSeen, type Seen } from './assess';
import { walkElection } from './breaking';
import { installExitHook } from './registry';
import { SignalGuard } from './sync-wait';
import { AbortError, jitter, MAX_TIMER_MS, sleepSync } from './wait';

/**
 * The fallback timer while both kernel watches are armed and the
 * watched process is proven to be the holder (it has the lock file open). The
 * only ways its lock becomes takeable are its exit and a change of the file's
 * name, and each wakes us; the timer then only covers a lost event. Without
 * that proof (another PID namespace's holder, where the PID in the file names
 * some other process of ours; no /proc) the timer keeps retryInterval.
 */
const ARMED_INTERVAL_MS = 10_000;

/**
 * What acquire()/acquireSync() wait on between attempts: the owner's exit (a
 * pidfd, a process handle, a kqueue; native backend only), the lock's name
 * changing in its directory (fs.watch for acquire(), inotify for acquireSync()),
 * and a timer, which is all the JS backend has for a dead owner and for
 * acquireSync(). A wake only means "look again": the attempt that follows
 * decides, so a spurious or missed wake costs time, never safety.
 *
 * No wake is lost between a refused attempt and the wait: the directory watch
 * exists before each wait looks at the lock again, and the exit watch is opened
 * only after that look judged the owner alive, so an exit before it is found by
 * the start-time re-check or makes the watch ready at once.
 */
export class Waiter {
  readonly #backend: Backend;
  readonly #wake: WakeApi | undefined;
  readonly #path: string;
  readonly #name: string;
  readonly #retryInterval: number;
  #exitWatch = -1;
  #exitPid = 0;
  #exitIsHolder = false;
  #staleId = '';
  #armed: object | null = null;
  #dirWatch = -1; // acquireSync's inotify
  #watcher: fs.FSWatcher | null = null; // acquire's fs.watch
  #dirFailed = false;
  #pending = false; // an event came while nobody waited
  #wakeUp: (() => void) | null = null;

  readonly #async: boolean;
  readonly #signals: SignalGuard | null;

  /** `async`: for acquire(), whose waits run on the event loop; else acquireSync(). */
  constructor(backend: Backend, lockPath: string, retryInterval: number, async: boolean) {
    // Not for acquireSync(): its listeners could not run while it blocks, and
    // without them a signal's default action ends a waiter that holds nothing.
    if (async) installExitHook();
    this.#backend = backend;
    this.#wake = backend.wake;
    this.#path = lockPath;
    this.#name = path.basename(lockPath);
    this.#retryInterval = retryInterval;
    this.#async = async;
    this.#signals = async ? null : new SignalGuard(this.#wake, lockPath);
  }

  /** Resolves when the lock may have changed, or after the timer; rejects on abort. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    this.#watchDirAsync();
    if (!this.#settle() || this.#takePending()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (err?: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#wakeUp = null;
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => finish(new AbortError(signal?.reason));
      const timer = setTimeout(finish, this.#timer(ms));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#wakeUp = () => finish();
    });
  }

  /** acquireSync's wait: blocks the thread in the kernel instead of a plain sleep. */
  waitSync(ms: number): void {
    if (this.#wake !== undefined && this.#dirWatch === -1 && !this.#dirFailed) {
      const w = this.#wake.watchDir(path.dirname(this.#path));
      if (w === null) this.#dirFailed = true;
      else this.#dirWatch = w;
    }
    if (!this.#settle()) return;
    const t = this.#timer(ms);
    if (this.#wake === undefined || this.#signals === null) {
      sleepSync(t);
      return;
    }
    if (this.#signals.waitWatches(this.#wake, this.#exitWatch, this.#dirWatch, this.#name, t) === 'exit') this.#dropExit();
  }

  close(): void {
    this.#signals?.end();
    this.#dropExit();
    if (this.#dirWatch !== -1) this.#wake?.closeDirWatch(this.#dirWatch);
    this.#dirWatch = -1;
    this.#watcher?.close();
    this.#watcher = null;
    this.#wakeUp = null;
  }

  /** The timer stretches only while nothing that it alone would catch can happen. */
  #timer(ms: number): number {
    const exit = this.#exitIsHolder && (this.#async ? this.#armed !== null : this.#exitWatch !== -1);
    const dir = this.#async ? this.#watcher !== null : this.#dirWatch !== -1;
    const interval = exit && dir ? Math.max(this.#retryInterval, ARMED_INTERVAL_MS) : this.#retryInterval;
    // The jitter can lift a valid retryInterval just past the timer's limit.
    return Math.min(jitter(interval), ms, MAX_TIMER_MS);
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

  #watchDirAsync(): void {
    if (this.#watcher !== null || this.#dirFailed) return;
    try {
      // Not persistent: the wait's timer keeps the process alive, not the watch.
      const watcher = fs.watch(path.dirname(this.#path), { persistent: false }, (_event, file) => {
        // Some platforms do not name the file; then any change is worth a look.
        if (file === null || file === this.#name) this.#signal();
      });
      watcher.on('error', () => {
        // The directory went away or the watch broke: the timer is left.
        watcher.close();
        if (this.#watcher === watcher) this.#watcher = null;
        this.#dirFailed = true;
        this.#signal();
      });
      this.#watcher = watcher;
    } catch {
      this.#dirFailed = true;
    }
  }

  /**
   * Looks at the lock once more, now that the directory is watched, and watches
   * its owner's exit. false: no need to wait, attempt again now.
   */
  #settle(): boolean {
    const found = assess(this.#backend, this.#path, 'report');
    if (found === null) return false;
    const { seen, verdict } = found;
    if (verdict.stale) {
      // Stale, yet the attempt before us was refused: its owner died just now
      // (look again at once), or another live breaker is at work on it (the
      // same file again): then wait for that breaker, or we would spin.
      const again = seen.id === this.#staleId;
      this.#staleId = seen.id;
      if (!again) return false;
      const round = walkElection(this.#backend, this.#path, seen.id, [], null);
      if (round.kind !== 'live') return false;
      // Its success removes the lock file (the directory watch); its death leaves
      // its ballot to the next round (this exit watch).
      return this.#watchExit(round.ballot, round.seen, false);
    }
    if (verdict.alive !== true || seen.pid === null || seen.pid === process.pid) {
      this.#dropExit();
      return true;
    }
    return this.#watchExit(this.#path, seen, true);
  }

  /**
   * Watches the exit of the owner of `o` (read at `file`), which was just
   * judged alive: the lock's holder, or else a breaker by its ballot. false: look again now.
   */
  #watchExit(file: string, o: Seen, holder: boolean): boolean {
    const wake = this.#wake;
    const pid = o.pid;
    if (wake === undefined || pid === null || pid === process.pid) {
      this.#dropExit();
      return true;
    }
    if (pid === this.#exitPid && this.#exitWatch !== -1) return true;
    this.#dropExit();
    const watch = wake.watchExit(pid);
    // No such process here. A plain pidfile owner is dead: look again now. A
    // kernel lock held all the same is a holder in another PID namespace, whose
    // exit we cannot watch: wait for the timer or the directory, not spin.
    const judged = () => (holder ? judgeSeen(this.#backend, file, o) : judgeSideSeen(this.#backend, file, o));
    if (watch === false) return !judged().stale;
    if (watch === null) return true;
    this.#exitWatch = watch;
    this.#exitPid = pid;
    // The watch pins whichever process had the PID when it was opened. If the
    // owner died and its PID was reused just before, that process started after
    // the file was written, and judging again (start time included) says stale.
    if (judged().stale) {
      this.#dropExit();
      return false;
    }
    this.#exitIsHolder = holder && this.#backend.holdsOpen(pid, o.dev, o.ino) === true;
    if (this.#async) {
      // Delivered to this thread while it waits on the event loop.
      this.#armed = wake.armExitWatch(watch, () => {
        this.#dropExit();
        this.#signal();
      });
    }
    return true;
  }

  #dropExit(): void {
    if (this.#armed !== null) this.#wake?.disarmExitWatch(this.#armed);
    this.#armed = null;
    if (this.#exitWatch !== -1) this.#wake?.closeExitWatch(this.#exitWatch);
    this.#exitWatch = -1;
    this.#exitPid = 0;
    this.#exitIsHolder = false;
  }
}
