import type { Backend, FileState, Probe } from './backend/types';
import { isStaleHandle } from './backend/syserror';
import { PidLockError } from './errors';
import { firstLinePid } from './lockfile';
import { fileKey, isHeldHere } from './registry';
import { judge, judgeSideFile, type SideFacts, type Verdict } from './rules';

/**
 * "Read the lock, then judge it", written once. Every decision about a lock
 * (PidLock's tries, the election in breaking.ts, removeStaleLock, lockStatus,
 * the singleton check) goes through assess(); judge() in rules.ts decides.
 */

/** When this process started; a lock naming our PID but older than us is a previous run's. */
export const PROCESS_START_MS = Date.now() - process.uptime() * 1000;

/** Looks at a path whose NFS handle went stale this often before giving up. */
const STALE_TRIES = 3;

/** One read of a lock file, as the rules and the election need it. */
export interface Seen {
  /** Changes whenever the path names another file or the file is rewritten. */
  id: string;
  /** The file's identity in the registry (src/registry.ts). */
  key: string;
  dev: bigint;
  ino: bigint;
  /** The PID on the first line: the owner, also of a multi-line pidfile. */
  pid: number | null;
  size: number;
  mtimeMs: number;
  kernelHeld: boolean | null;
}

export interface Assessment {
  seen: Seen;
  verdict: Verdict;
}

function seenOf(st: FileState): Seen {
  return {
    id: `${st.ino.toString(36)}-${st.mtimeNs.toString(36)}-${st.ctimeNs.toString(36)}-${st.dev.toString(36)}`,
    key: fileKey(st.dev, st.ino),
    dev: st.dev,
    ino: st.ino,
    pid: firstLinePid(st.head, st.size),
    size: st.size,
    mtimeMs: Number(st.mtimeNs / 1000000n),
    kernelHeld: st.kernelHeld,
  };
}

/**
 * Reads a lock path once. Missing: null. A path that is not a regular file, or
 * that cannot be read, makes every decision impossible: PidLockError.
 */
export function read(backend: Backend, path: string): Seen | null {
  let st;
  for (let tries = 1; ; tries++) {
    try {
      st = backend.inspect(path);
      break;
    } catch (err) {
      // A stale NFS handle means the file changed under us: look again.
      if (tries < STALE_TRIES && isStaleHandle(err)) continue;
      throw PidLockError.from(err, 'open', path);
    }
  }
  if (st === null) return null;
  if (st.type === 'dir') throw new PidLockError('EISDIR', 'open', path);
  if (st.type !== 'file') throw new PidLockError('EINVAL', 'open', path, 'not a regular file');
  return seenOf(st);
}

/**
 * The facts about one read, each gathered when a rule first asks for it: a
 * lock whose kernel lock is held, or that is invalid, never costs a probe, and
 * only the start-time and own-PID rules list /proc/<pid>/fd.
 */
class Gathered implements SideFacts {
  readonly pid: number | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly kernelHeld: boolean | null;
  readonly ownPid = process.pid;
  readonly processStartMs = PROCESS_START_MS;
  readonly #backend: Backend;
  readonly #seen: Seen;
  readonly #path: string;
  #probe: Probe | undefined;
  #open: boolean | null | undefined;
  #sameUser: boolean | null | undefined;

  /** `pid`: the process to ask about, when not the one named in the file (a temp file's creator). */
  constructor(backend: Backend, path: string, seen: Seen, pid = seen.pid) {
    this.#backend = backend;
    this.#path = path;
    this.#seen = seen;
    this.pid = pid;
    this.size = seen.size;
    this.mtimeMs = seen.mtimeMs;
    this.kernelHeld = seen.kernelHeld;
  }

  get now(): number {
    return Date.now();
  }

  get heldHere(): boolean {
    return isHeldHere(this.#seen.key);
  }

  get alive(): boolean | null {
    return this.#owner().alive;
  }

  get startMs(): number | null {
    return this.#owner().startMs;
  }

  get holdsOpen(): boolean | null {
    if (this.#open === undefined) this.#open = this.#backend.holdsOpen(this.pid as number, this.#seen.dev, this.#seen.ino);
    return this.#open;
  }

  get sameUser(): boolean | null {
    if (this.#sameUser === undefined) {
      this.#sameUser = this.#backend.sameUser(this.pid as number, this.#path, this.#seen.dev, this.#seen.ino);
    }
    return this.#sameUser;
  }

  #owner(): Probe {
    return (this.#probe ??= this.#backend.probe(this.pid as number));
  }
}

/** `path`: where `seen` was read; `side`: judge it as a ballot or temp file (judgeSideFile). */
export function judgeSeen(backend: Backend, path: string, seen: Seen, side = false): Verdict {
  const facts = new Gathered(backend, path, seen);
  return side ? judgeSideFile(facts) : judge(facts);
}

/**
 * One look at the lock at `path`: null when there is none, else what is there
 * and its verdict. A file that is not a lock (see judge()) throws PidLockError
 * EFTYPE, since nobody can take that lock and nobody may delete the file,
 * unless `foreign` is 'report' (diagnostics, ballots).
 */
export function assess(backend: Backend, path: string, foreign: 'throw' | 'report' = 'throw'): Assessment | null {
  const seen = read(backend, path);
  if (seen === null) return null;
  const verdict = judgeSeen(backend, path, seen);
  if (verdict.foreign && foreign === 'throw') throw new PidLockError('EFTYPE', 'use', path, verdict.reason);
  return { seen, verdict };
}

/**
 * One look at a side file (a break ballot, or a temp file): null when it is
 * gone, else whether its creator still uses it (judgeSideFile). `creator`: the
 * PID in a temp file's name, whose content is empty until its creator writes it.
 */
export function assessSideFile(backend: Backend, path: string, creator?: number): Assessment | null {
  const seen = read(backend, path);
  if (seen === null) return null;
  return { seen, verdict: judgeSideFile(new Gathered(backend, path, seen, creator)) };
}
