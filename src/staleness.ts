import type { Backend, FileState } from './backend/types';
import { firstLinePid, MAX_CONTENT } from './lockfile';
import { fileKey, isHeldHere } from './held';
import { holdsOpen } from './procfd';

/** How long an empty or unparsable lock counts as a writer that has not finished yet. */
export const GRACE_MS = 1000;
/**
 * How much later than the lock's mtime its owner must have started to count as
 * a reused PID. Start times are exact to a clock tick; the margin absorbs the
 * filesystem's coarse timestamps and small clock adjustments.
 */
export const START_MARGIN_MS = 1000;
/** When this process started; a lock naming our PID but older than us is a previous run's. */
export const PROCESS_START_MS = Date.now() - process.uptime() * 1000;

/** One read of a lock file, as the stale rules need it. */
export interface Observation {
  /** Changes whenever the path names another file or the file is rewritten. */
  id: string;
  key: string;
  dev: bigint;
  ino: bigint;
  type: FileState['type'];
  /** The PID on the first line: the owner, also of a multi-line pidfile. */
  pid: number | null;
  size: number;
  mtimeMs: number;
  kernelHeld: boolean | null;
}

export function observation(st: FileState): Observation {
  return {
    id: `${st.ino.toString(36)}-${st.mtimeNs.toString(36)}-${st.ctimeNs.toString(36)}-${st.dev.toString(36)}`,
    key: fileKey(st.dev, st.ino),
    dev: st.dev,
    ino: st.ino,
    type: st.type,
    pid: st.type === 'file' ? firstLinePid(st.head, st.size) : null,
    size: st.size,
    mtimeMs: Number(st.mtimeNs / 1000000n),
    kernelHeld: st.kernelHeld,
  };
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
export function judge(backend: Backend, o: Observation, now = Date.now()): Verdict {
  if (o.size <= MAX_CONTENT || o.kernelHeld === true) return judgeOwner(backend, o, now);
  const v: Verdict = o.pid === null
    ? { stale: true, alive: null, reason: 'no PID on its first line' }
    : judgeOwner(backend, o, now);
  if (!v.stale) return v; // a live daemon's multi-line pidfile: held by the PID on its first line
  return {
    stale: false,
    alive: v.alive,
    foreign: true,
    reason: `not a lock file: ${o.size} bytes, more than a lock's ${MAX_CONTENT}, and ${v.reason}`,
  };
}

function judgeOwner(backend: Backend, o: Observation, now: number): Verdict {
  if (o.kernelHeld === true) {
    // Whatever the PID says (another PID namespace, EPERM): only a live process holds a kernel lock.
    return { stale: false, alive: true, reason: 'a live process holds its kernel lock' };
  }
  if (o.pid === null) {
    return now - o.mtimeMs > GRACE_MS
      ? { stale: true, alive: null, reason: `invalid content, older than ${GRACE_MS} ms` }
      : { stale: false, alive: null, reason: 'invalid content, but young enough to be a writer at work' };
  }
  if (o.pid === process.pid) {
    if (isHeldHere(o.key)) return { stale: false, alive: true, reason: 'held by this process' };
    // Every holder keeps its lock file open from before the name appears until
    // after it is gone, so whether any thread of ours has it open is proof
    // either way, and needs no clock: a worker's lock with an mtime from before
    // a clock step is held, and a leftover with a future mtime is not ours.
    const open = holdsOpen(process.pid, o.dev, o.ino);
    if (open === true) return { stale: false, alive: true, reason: 'held by another thread of this process: it has the file open' };
    if (open === false) return { stale: true, alive: true, reason: 'names this process, but no thread of it has the file open' };
    // Without /proc: a container restart gives the same PID again; a lock written before we started is not ours.
    return o.mtimeMs < PROCESS_START_MS
      ? { stale: true, alive: true, reason: 'names this process but predates it (a previous run with the same PID)' }
      : { stale: false, alive: true, reason: 'held by another thread of this process' };
  }
  const { alive, startMs: start } = backend.probe(o.pid);
  if (alive === false) return { stale: true, alive, reason: `owner ${o.pid} is not running` };
  if (alive === null) return { stale: false, alive, reason: `owner ${o.pid} cannot be checked; assumed alive` };
  if (start !== null && start > o.mtimeMs + START_MARGIN_MS) {
    // Before calling it reuse, ask for proof that needs no clock: the owner has the file open.
    if (holdsOpen(o.pid, o.dev, o.ino) === true) {
      return { stale: false, alive, reason: `owner ${o.pid} is running and has the lock file open` };
    }
    return { stale: true, alive, reason: `PID ${o.pid} was reused: its process started after the lock was written` };
  }
  return { stale: false, alive, reason: `owner ${o.pid} is running` };
}
