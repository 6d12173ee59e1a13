// What a waiting acquire blocks on between tries (the owner's exit, a change of
// the lock file, or its timer) and how long; wake-async.ts and wake-sync.ts wait.
import type { Backend, WakeApi } from './backend/types';
import { assess, judgeSeen, judgeSideSeen, type Seen } from './assess';
import { walkElection } from './breaking';
import { isErrno } from './errors';
import { MAX_TIMER_MS } from './wait';

/**
 * The fallback timer while both kernel watches are armed and the
 * watched process is proven to be the holder (it has the lock file open). The
 * only ways its lock becomes takeable are its exit and a change of the file's
 * name, and each wakes us; the timer then only covers a lost event. Without
 * that proof (another PID namespace's holder, where the PID in the file names
 * some other process of ours; no /proc) the timer keeps retryInterval.
 */
const ARMED_INTERVAL_MS = 10_000;

/** Up to +-25 % so that waiters started together do not retry in lockstep. */
export function jitter(ms: number): number {
  return ms * (0.75 + Math.random() * 0.5);
}

/** Out of descriptors: the waiter's own watches may be what took the last ones. */
export function isFdExhaustion(err: unknown): boolean {
  return isErrno(err, 'EMFILE', 'ENFILE');
}

/**
 * What acquire()/acquireSync() wait on between attempts: the owner's exit (a
 * pidfd, a process handle, a kqueue; native backend only), the lock file
 * losing its name, and a timer, which is all the JS backend has for a dead
 * owner and for acquireSync(). A wake only means "look again": the attempt that
 * follows decides, so a spurious or missed wake costs time, never safety.
 *
 * No wake is lost between a refused attempt and the wait: the file watch
 * exists before each wait looks at the lock again, and the exit watch is opened
 * only after that look judged the owner alive, so an exit before it is found by
 * the start-time re-check or makes the watch ready at once.
 *
 * This class is what both kinds of wait share: the look before each wait, whose
 * exit to watch, and how long the timer runs. How the watches are held and
 * waited on is the one seam between them: AsyncWaiter (src/wake-async.ts, on
 * the event loop) and SyncWaiter (src/wake-sync.ts, blocking the thread).
 */
export abstract class Waiter {
  protected readonly backend: Backend;
  protected readonly wake: WakeApi | undefined;
  protected readonly path: string;
  readonly #retryInterval: number;
  #exitWatch = -1;
  #exitPid = 0;
  #exitIsHolder = false;
  #fileWatched = false;
  #staleId = '';
  /** The watches cost an attempt its descriptors once: from then on, the timer alone. */
  #shed = false;

  constructor(backend: Backend, lockPath: string, retryInterval: number) {
    this.backend = backend;
    this.wake = backend.wake;
    this.path = lockPath;
    this.#retryInterval = retryInterval;
  }

  /**
   * Watches the lock file: 'kept' when the watch made for an earlier wait
   * still stands (it has fired for nothing since), 'watching' when it was made
   * just now, 'gone' when nothing has the lock's name now.
   */
  protected abstract watchFile(): 'kept' | 'watching' | 'gone' | 'none';
  protected abstract dropFile(now: boolean): void;
  /** Starts waiting for an exit watch this kind of wait needs armed; false: it cannot. */
  protected abstract armExit(watch: number): boolean;
  protected abstract disarmExit(): void;

  protected get exitWatch(): number {
    return this.#exitWatch;
  }

  close(): void {
    this.dropExit();
    this.dropFile(false);
  }

  /**
   * Drops every watch for good, returning whether there was any: an attempt
   * that failed for lack of descriptors may succeed without them.
   */
  shed(): boolean {
    const had = !this.#shed && (this.#exitWatch !== -1 || this.#fileWatched);
    this.#shed = true;
    this.dropExit();
    this.dropFile(true);
    this.#fileWatched = false;
    return had;
  }

  /** Watches the file, then looks at the lock once more. false: no need to wait, attempt again now. */
  protected prepare(): boolean {
    if (!this.#shed) {
      const file = this.watchFile();
      if (file === 'gone') return false;
      // The attempt just before this wait looked at the lock, and a kept watch
      // reports every change since. Without exit watches (the JS backend) the
      // look below would only repeat that attempt's: one look per poll, not two.
      if (file === 'kept' && this.wake === undefined) return true;
      this.#fileWatched = file !== 'none';
    }
    try {
      return this.#settle();
    } catch (err) {
      if (!isFdExhaustion(err) || !this.shed()) throw err;
      return false;
    }
  }

  /** The timer stretches only while nothing that it alone would catch can happen. */
  protected timer(ms: number): number {
    const exit = this.#exitIsHolder && this.#exitWatch !== -1;
    const interval = exit && this.#fileWatched ? Math.max(this.#retryInterval, ARMED_INTERVAL_MS) : this.#retryInterval;
    // The jitter can lift a valid retryInterval just past the timer's limit.
    return Math.min(jitter(interval), ms, MAX_TIMER_MS);
  }

  /** Whose exit to watch, from a look at the lock. false: look again now. */
  #settle(): boolean {
    const found = assess(this.backend, this.path, 'report');
    if (found === null) return false;
    const { seen, verdict } = found;
    if (verdict.stale) {
      // Stale, yet the attempt before us was refused: its owner died just now
      // (look again at once), or another live breaker is at work on it (the
      // same file again): then wait for that breaker, or we would spin.
      const again = seen.id === this.#staleId;
      this.#staleId = seen.id;
      if (!again) return false;
      const round = walkElection(this.backend, this.path, seen.id, [], null);
      if (round.kind !== 'live') return false;
      // Its success removes the lock file (the file watch); its death leaves
      // its ballot to the next round (this exit watch).
      return this.#watchExit(round.ballot, round.seen, false);
    }
    if (verdict.alive !== true || seen.pid === null || seen.pid === process.pid) {
      this.dropExit();
      return true;
    }
    return this.#watchExit(this.path, seen, true);
  }

  /**
   * Watches the exit of the owner of `o` (read at `file`), which was just
   * judged alive: the lock's holder, or else a breaker by its ballot. false: look again now.
   */
  #watchExit(file: string, o: Seen, holder: boolean): boolean {
    const wake = this.wake;
    const pid = o.pid;
    if (wake === undefined || pid === null || pid === process.pid || this.#shed) {
      this.dropExit();
      return true;
    }
    if (pid === this.#exitPid && this.#exitWatch !== -1) return true;
    this.dropExit();
    const watch = wake.watchExit(pid);
    // No such process here. A plain pidfile owner is dead: look again now. A
    // kernel lock held all the same is a holder in another PID namespace, whose
    // exit we cannot watch: wait for the timer or the file, not spin.
    const judged = () => (holder ? judgeSeen(this.backend, file, o) : judgeSideSeen(this.backend, file, o));
    if (watch === false) return !judged().stale;
    if (watch === null) return true;
    this.#exitWatch = watch;
    this.#exitPid = pid;
    // The watch pins whichever process had the PID when it was opened. If the
    // owner died and its PID was reused just before, that process started after
    // the file was written, and judging again (start time included) says stale.
    if (judged().stale) {
      this.dropExit();
      return false;
    }
    this.#exitIsHolder = holder && this.backend.holdsOpen(pid, o.dev, o.ino) === true;
    if (!this.armExit(watch)) this.dropExit();
    return true;
  }

  protected dropExit(): void {
    this.disarmExit();
    if (this.#exitWatch !== -1) this.wake?.closeExitWatch(this.#exitWatch);
    this.#exitWatch = -1;
    this.#exitPid = 0;
    this.#exitIsHolder = false;
  }
}
