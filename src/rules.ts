import { MAX_CONTENT } from './backend/format';

/** How long an empty or unparsable lock counts as a writer that has not finished yet. */
export const GRACE_MS = 1000;
/**
 * How much later than the lock's mtime its owner must have started to count as
 * a reused PID. Start times are exact to a clock tick; the margin absorbs the
 * filesystem's coarse timestamps and small clock adjustments.
 */
export const START_MARGIN_MS = 1000;

/**
 * Everything the stale rules look at, as plain values. src/assess.ts gathers
 * them from one read of the lock and the backend; the owner's facts (alive,
 * startMs, holdsOpen) are read only if a rule asks for them, so they may be
 * getters. Tests pass plain objects (test/unit/judge.test.js).
 */
export interface Facts {
  /** The PID on the first line (also of a multi-line pidfile); null: no valid PID there. */
  readonly pid: number | null;
  readonly size: number;
  readonly mtimeMs: number;
  /** true: a live process holds the file's kernel lock; false: nobody does; null: cannot tell. */
  readonly kernelHeld: boolean | null;
  readonly now: number;
  readonly ownPid: number;
  /** When this process started; a lock naming our PID but older than us is a previous run's. */
  readonly processStartMs: number;
  /** This module instance holds this very file (its registry). */
  readonly heldHere: boolean;
  /** The owner (pid) is running: true, false, or null when it cannot be told. */
  readonly alive: boolean | null;
  /** When the owner started, ms since the epoch; null: unknown. */
  readonly startMs: number | null;
  /** The owner (pid, or any thread of ours for our own PID) has this file open; null: cannot tell. */
  readonly holdsOpen: boolean | null;
}

/** What judgeSideFile() needs beyond a lock's facts; `pid` is the file's creator. */
export interface SideFacts extends Facts {
  /** The file's owner is one of the creator's user ids; false: another user made it; null: cannot tell. */
  readonly sameUser: boolean | null;
}

export interface Verdict {
  stale: boolean;
  alive: boolean | null;
  reason: string;
  /** Not a lock file: never deleted, and no one can take the lock (PidLockError EFTYPE). */
  foreign?: true;
}

/**
 * The one place that decides "stale". Stale needs proof: a dead owner, or one
 * that started after the lock was written (its PID was reused). Anything
 * uncertain (permission denied, unknown start time) means held. A file larger
 * than any lock is never stale: it is someone's data (a config file passed as
 * the path by mistake, a daemon's multi-line pidfile), not an abandoned lock.
 */
export function judge(f: Facts): Verdict {
  if (f.size <= MAX_CONTENT || f.kernelHeld === true) return judgeOwner(f);
  const v: Verdict = f.pid === null ? { stale: true, alive: null, reason: 'no PID on its first line' } : judgeOwner(f);
  if (!v.stale) return v; // a live daemon's multi-line pidfile: held by the PID on its first line
  return {
    stale: false,
    alive: v.alive,
    foreign: true,
    reason: `not a lock file: ${f.size} bytes, more than a lock's ${MAX_CONTENT}, and ${v.reason}`,
  };
}

function judgeOwner(f: Facts): Verdict {
  if (f.kernelHeld === true) {
    // Whatever the PID says (another PID namespace, EPERM): only a live process holds a kernel lock.
    return { stale: false, alive: true, reason: 'a live process holds its kernel lock' };
  }
  if (f.pid === null) {
    return f.now - f.mtimeMs > GRACE_MS
      ? { stale: true, alive: null, reason: `invalid content, older than ${GRACE_MS} ms` }
      : { stale: false, alive: null, reason: 'invalid content, but young enough to be a writer at work' };
  }
  if (f.pid === f.ownPid) {
    if (f.heldHere) return { stale: false, alive: true, reason: 'held by this process' };
    // Every holder keeps its lock file open from before the name appears until
    // after it is gone, so whether any thread of ours has it open is proof
    // either way, and needs no clock: a worker's lock with an mtime from before
    // a clock step is held, and a leftover with a future mtime is not ours.
    const open = f.holdsOpen;
    if (open === true) return { stale: false, alive: true, reason: 'held by another thread of this process: it has the file open' };
    if (open === false) return { stale: true, alive: true, reason: 'names this process, but no thread of it has the file open' };
    // Without /proc: a container restart gives the same PID again; a lock written before we started is not ours.
    return f.mtimeMs < f.processStartMs
      ? { stale: true, alive: true, reason: 'names this process but predates it (a previous run with the same PID)' }
      : { stale: false, alive: true, reason: 'held by another thread of this process' };
  }
  const alive = f.alive;
  if (alive === false) return { stale: true, alive, reason: `owner ${f.pid} is not running` };
  if (alive === null) return { stale: false, alive, reason: `owner ${f.pid} cannot be checked; assumed alive` };
  const start = f.startMs;
  if (start !== null && start > f.mtimeMs + START_MARGIN_MS) {
    // Before calling it reuse, ask for proof that needs no clock: the owner has the file open.
    if (f.holdsOpen === true) {
      return { stale: false, alive, reason: `owner ${f.pid} is running and has the lock file open` };
    }
    return { stale: true, alive, reason: `PID ${f.pid} was reused: its process started after the lock was written` };
  }
  return { stale: false, alive, reason: `owner ${f.pid} is running` };
}

/**
 * Whether a side file (a break ballot, or a temp file on its way to becoming
 * the lock) is still in use by its creator; stale: it is not, so an election
 * moves past the ballot and litter collection may delete the file. Anyone who
 * can write the directory can compute a ballot's name from stat(lock), so a
 * PID in it proves nothing alone: a ballot naming a live but unrelated process
 * (init, another user's shell) would make a dead owner's lock unbreakable. A
 * real creator has its file open from before the name appears until after it
 * is gone, and a native one also holds its kernel lock; that is the evidence.
 * Where another user's descriptors cannot be listed, a file owned by a user
 * the named process does not run as is not that process's either.
 */
export function judgeSideFile(f: SideFacts): Verdict {
  if (f.kernelHeld === true || f.pid === null || f.pid === f.ownPid || f.alive === false) return judgeOwner(f);
  const open = f.holdsOpen;
  if (open === true) return { stale: false, alive: f.alive, reason: `process ${f.pid} has it open` };
  if (open === false) return { stale: true, alive: f.alive, reason: `process ${f.pid} is running but does not have it open` };
  if (f.sameUser === false) {
    return { stale: true, alive: f.alive, reason: `its owner is not a user process ${f.pid} runs as: not that process's` };
  }
  return judgeOwner(f);
}
