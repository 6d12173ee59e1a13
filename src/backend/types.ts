// The Backend interface: every question the lock algorithm asks the OS, as the
// native and the JS backend both answer it.
/** What one read of a lock path saw, all from one open file (so from one inode). */
export interface FileState {
  type: 'file' | 'dir' | 'other';
  /** The file's identity, in the one encoding this backend uses for Held too. */
  dev: bigint;
  ino: bigint;
  size: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  /** The first bytes; enough for any valid content. */
  head: Buffer;
  /** true: a kernel lock proves a live holder; false: none held; null: this backend cannot tell. */
  kernelHeld: boolean | null;
}

/** A published lock: the handle keeping its kernel lock (or -1) and the file's identity. */
export interface Held {
  handle: number;
  dev: bigint;
  ino: bigint;
}

/** What judging an owner needs about a process. */
export interface Probe {
  /** true: running; false: no such process, a zombie, or exited; null: cannot tell. */
  alive: boolean | null;
  /** Milliseconds since the epoch, or null when this platform or backend cannot tell. */
  startMs: number | null;
}

/**
 * Everything the lock algorithm asks of the OS: the lock file's whole life
 * (publish, inspect, remove, close), the names beside it (unlink, list) and
 * the questions about its owner (probe, holdsOpen). The algorithm and the stale rules are written once above this
 * (src/pidlock.ts, src/assess.ts, src/rules.ts) and never ask which OS they run on.
 * Arguments are validated before they get here.
 */
export interface Backend {
  readonly name: 'native' | 'js';
  /** Liveness and start time, from one look where the platform allows (Linux: one /proc/<pid>/stat read). */
  probe(pid: number): Probe;
  /**
   * Creates `path` with `content`, never visible half-written (any temp file it
   * needs is its own, named by src/sidefiles.ts). Throws errno-style
   * errors; EEXIST: taken.
   */
  publish(path: string, content: string): Held;
  /** null when the path does not exist. Never follows a final symlink, never blocks on a FIFO. */
  inspect(path: string): FileState | null;
  /**
   * Ends a tenure: deletes `path` if it still names the held file, then drops the
   * handle, in the order this OS needs. Throws errno-style errors with the lock
   * still held, so a retry can finish.
   */
  remove(path: string, held: Held): Removed;
  /** Drops what publish() kept open, leaving the file. */
  close(held: Held): void;
  /**
   * Deletes the file named `path`, which nobody holds: a side file, or a stale
   * lock its breaker was elected to remove. false: no such name (a deletion
   * already done, maybe still visible on Windows). Throws errno-style errors.
   */
  unlink(path: string): boolean;
  /** The names in directory `dir`; null when its size says more than `maxBytes` bytes, or it cannot be read. */
  list(dir: string, maxBytes: number): readonly string[] | null;
  /**
   * Sets the held file's modification time to now through the handle, which
   * reaches the held file whatever the path names now (a lease refresh).
   * Throws errno-style errors.
   */
  touch(held: Held): void;
  /**
   * The descriptor whose open file description carries the held kernel lock,
   * for a child process to inherit (kernel locks follow the description across
   * fork and exec); null where there is none (the JS backend holds no kernel
   * lock, a Windows handle is no descriptor).
   */
  descriptor(held: Held): number | null;
  /**
   * Whether process `pid` has the file (dev, ino) open: proof of ownership that
   * needs no clock. null: cannot tell here.
   */
  holdsOpen(pid: number, dev: bigint, ino: bigint): boolean | null;
  /**
   * Whether `file`, still the file (dev, ino), is owned by a user that process
   * `pid` runs as: false proves another user made it. null: cannot tell here.
   */
  sameUser(pid: number, file: string, dev: bigint, ino: bigint): boolean | null;
  /**
   * Whether a live process holds the kernel lock of the file (dev, ino) in the
   * directory `dir`, for a backend whose inspect() cannot tell (kernelHeld
   * null); asked only when the answer decides. Absent: cannot tell.
   */
  kernelHeld?(dev: bigint, ino: bigint, dir: string): boolean | null;
  /**
   * What the OS itself says of the filesystem `dir` is on, for the platforms
   * where src/backend/fsinfo.ts has no pure answer (macOS, Windows drive
   * letters). null or absent: cannot tell here.
   */
  dirKind?(dir: string): DirKind | null;
  /**
   * A watch for acquire() (on the event loop): `onChange` runs, on this
   * thread, once the lock file may have been removed or replaced. 'gone':
   * nothing has the lock's name now; null: cannot watch. A hint only.
   */
  watchLock(lockPath: string, onChange: () => void): LockWatch | 'gone' | null;
  /** Kernel wake-ups for acquireSync() and dead owners (src/wake.ts); absent where only the timer exists. */
  readonly wake?: WakeApi;
}

export interface LockWatch {
  close(): void;
}

/**
 * Watches are plain numbers (a pidfd, a kqueue, a process HANDLE, an eventfd fed
 * by the process's one inotify instance). Every one of them is only a hint to
 * look again; none decides anything.
 */
export interface WakeApi {
  /** A watch that becomes ready when `pid` exits; false: no such process now; null: cannot watch. */
  watchExit(pid: number): number | false | null;
  /**
   * A watch, for waitWatches, on the file `path` names now: ready once it is
   * unlinked, renamed over or moved; false: `path` names nothing now; null: cannot watch.
   */
  watchFile(path: string): number | false | null;
  closeExitWatch(watch: number): void;
  /** `now`: close before returning (the descriptors are needed at once), else off this thread. */
  closeFileWatch(watch: number, now?: boolean): void;
  /** Blocks the thread; -1 stands for "no such watch". 'signal': see trapSignals. */
  waitWatches(exitWatch: number, fileWatch: number, ms: number): 'exit' | 'file' | 'signal' | 'timeout';
  /**
   * Until untrapSignals(), SIGINT, SIGTERM and SIGHUP, where Node has a handler
   * for them, wake waitWatches with 'signal' instead of reaching Node. false:
   * nothing trapped (no handler installed, or this platform cannot).
   */
  trapSignals(): boolean;
  /** Gives the signals back to Node; the number of the first one trapped meanwhile, or 0. */
  untrapSignals(): number;
  /** Runs `onExit` once on this thread when the process exits; null when it cannot. */
  armExitWatch(exitWatch: number, onExit: () => void): object | null;
  /** After it returns, the armed callback never runs. */
  disarmExitWatch(armed: object): void;
}

/** macOS: statfs MNT_LOCAL and f_fstypename ('nfs', 'smbfs'); Windows: the drive type, type ''. */
export interface DirKind {
  local: boolean;
  type: string;
}

/** removed: it was ours and is gone; replaced: the path names another file now (left alone); vanished: nothing there. */
export type Removed = 'removed' | 'replaced' | 'vanished';
