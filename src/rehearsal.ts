// The takeover of a dead holder's lock and a tenure of the lock, rehearsed
// once per process by its first waiter, against files kept in memory.
import path = require('node:path');
import { read } from './assess';
import type { Backend, FileState, Held, Probe, Removed } from './backend/types';
import { breakStale, type BreakResult } from './breaking';
import { watchHeldNow } from './compromise';
import { markerFor, type Policy } from './domain';
import { formatContent } from './lockfile';

/**
 * No process has it: Linux PIDs stay below PID_MAX_LIMIT (2^22), other
 * systems' below 100,000 or 2^31 - 1 but are never asked (the memory answers).
 */
const NOBODY = 2 ** 22;

/** No device has it: a rehearsal's registry key (dev:ino) never meets a real lock's. */
const MEMORY_DEV = -1n;

/** What rehearseTenure() asks of a lock; the caller, which owns PidLock, makes one on the memory backend. */
export interface Tenure {
  tryAcquire(): boolean;
  release(): boolean;
}

let rehearsed = false;

/**
 * The first time a process waits: the held-lock watchdog started for real (it
 * stops by itself once nothing has been held for one period; started first,
 * the tenure's own start finds it running and defers nothing), then
 * rehearseTakeover() and rehearseTenure().
 */
export function rehearseOnce(real: Backend, lockPath: string, policy: Policy, lockOn: (memory: Backend) => Tenure): void {
  if (rehearsed) return;
  rehearsed = true;
  watchHeldNow();
  rehearseTakeover(real, lockPath, policy);
  rehearseTenure(real, lockOn);
}

/**
 * Runs breakStale() (the ballot, the look under it, the unlink, the litter
 * collection) on a dead holder's lock that exists only in memory, so that its
 * code is compiled before a real holder dies: that code runs nowhere else,
 * and V8 compiles a function at its first call. Nothing is written, no
 * process is asked about, no lock is registered: every question goes to the
 * memory backend; `real` lends only its name (what a native publish writes).
 * Returns what breakStale() returned ('broken': the whole takeover ran), or
 * the error that cut it short, which costs the real takeover its warm start
 * and nothing else.
 */
export function rehearseTakeover(real: Backend, lockPath: string, policy: Policy): BreakResult | Error {
  const memory = new MemoryDir(real.name);
  try {
    const marker = markerFor(path.dirname(lockPath), policy, real.name === 'native');
    memory.publish(lockPath, formatContent(NOBODY, marker), false);
    const seen = read(memory, lockPath, policy);
    return seen === null ? new Error('the rehearsal lock was not found') : breakStale(memory, lockPath, seen, policy);
  } catch (err) {
    return err as Error;
  }
}

/**
 * A whole tenure on the memory backend: the publish that succeeds and what
 * follows it (the registry, the watchdog), then release(). A waiter's try that
 * wins after a holder lets go is the first time its process runs that code,
 * on the hand-off's path, while every try before it was refused. true: the
 * tenure ran to the end; an Error: where it stopped. The lock is never left
 * registered, whatever happens.
 */
export function rehearseTenure(real: Backend, lockOn: (memory: Backend) => Tenure): boolean | Error {
  let lock: Tenure | null = null;
  try {
    lock = lockOn(new MemoryDir(real.name));
    return lock.tryAcquire() && lock.release();
  } catch (err) {
    return err as Error;
  } finally {
    lock?.release();
  }
}

interface MemoryFile {
  content: Buffer;
  ino: bigint;
  mtimeNs: bigint;
  /** A kernel lock, for a native rehearsal: its creator is "alive" (ours), the dead lock's is not. */
  locked: boolean;
}

/** A directory in memory answering as the real backend would: only our own PID is alive. */
class MemoryDir implements Backend {
  readonly #files = new Map<string, MemoryFile>();
  #lastIno = 0n;

  constructor(readonly name: Backend['name']) {}

  probe(pid: number): Probe {
    return { alive: pid === process.pid, startMs: null };
  }

  publish(file: string, content: string, locked = true): Held {
    if (this.#files.has(file)) throw Object.assign(new Error(`EEXIST: file already exists, '${file}'`), { code: 'EEXIST' });
    const ino = ++this.#lastIno;
    this.#files.set(file, { content: Buffer.from(content), ino, mtimeNs: BigInt(Date.now()) * 1000000n, locked });
    return { handle: -1, dev: MEMORY_DEV, ino };
  }

  inspect(file: string): FileState | null {
    const f = this.#files.get(file);
    if (f === undefined) return null;
    return {
      type: 'file',
      dev: MEMORY_DEV,
      ino: f.ino,
      size: f.content.length,
      mtimeNs: f.mtimeNs,
      ctimeNs: f.mtimeNs,
      head: f.content,
      kernelHeld: this.name === 'native' ? f.locked : null,
    };
  }

  remove(file: string, held: Held): Removed {
    const f = this.#files.get(file);
    if (f === undefined) return 'vanished';
    if (f.ino !== held.ino) return 'replaced';
    this.#files.delete(file);
    return 'removed';
  }

  close(): void {}

  unlink(file: string): boolean {
    return this.#files.delete(file);
  }

  list(dir: string): string[] {
    return [...this.#files.keys()].filter((f) => path.dirname(f) === dir).map((f) => path.basename(f));
  }

  touch(): void {}

  descriptor(): null {
    return null;
  }

  holdsOpen(): null {
    return null;
  }

  sameUser(): null {
    return null;
  }

  watchLock(): null {
    return null;
  }
}
