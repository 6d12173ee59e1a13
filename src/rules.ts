import { MAX_CONTENT } from './backend/format';
import { bootPart, type Marker } from './domain';

/** How long an empty or unparsable lock counts as a writer that has not finished yet. */
export const GRACE_MS = 1000;
/**
 * How much later than the lock's mtime its owner must have started to count as
 * a reused PID. Start times are exact to a clock tick; the margin absorbs the
 * filesystem's coarse timestamps and small clock adjustments.
 */
export const START_MARGIN_MS = 1000;
/**
 * How much earlier than this boot a lock's mtime must be to count as written
 * before it: the boot time is estimated as now - uptime, which a clock
 * adjustment since boot or uptime's rounding moves by a little.
 */
export const BOOT_MARGIN_MS = 5000;

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
  /**
   * true: a live process holds the file's kernel lock; false: nobody does; null:
   * cannot tell. Read only when it decides (a verdict that would let the lock
   * go or call it uncheckable): the JS backend reads /proc/locks for it.
   */
  readonly kernelHeld: boolean | null;
  /** The marker on the second line (where it was written); null: none. */
  readonly marker: Marker | null;
  /** Our own domain's tag; null: this process has no exact identity and calls no marked lock ours. */
  readonly ownTag: string | null;
  /** The lock directory's shared filesystem ('nfs', 'fuse'...); null: local, unknown, or declared single-host. */
  readonly shared: string | null;
  /** When this machine booted, ms since the epoch (now - uptime); null: unknown. */
  readonly bootMs: number | null;
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

export interface Verdict {
  stale: boolean;
  alive: boolean | null;
  reason: string;
  /** Not a lock file: never deleted, and no one can take the lock (PidLockError EFTYPE). */
  foreign?: true;
  /**
   * Held only because its owner cannot be checked from here (another host,
   * boot or PID namespace): the one verdict an operator's force may overrule.
   */
  uncheckable?: true;
}

const KERNEL_HELD: Verdict = { stale: false, alive: true, reason: 'a live process holds its kernel lock' };

/**
 * The one place that decides "stale". Stale needs proof: a dead owner, or one
 * that started after the lock was written (its PID was reused). Anything
 * uncertain (permission denied, unknown start time, a PID of another host, boot
 * or PID namespace) means held. A file larger than any lock is never stale: it
 * is someone's data (a config file passed as the path by mistake, a daemon's
 * multi-line pidfile), not an abandoned lock.
 *
 * A held kernel lock proves a live holder whatever the rest says; it is asked
 * last, and only when the answer would otherwise free the lock or leave it
 * "cannot tell", since the JS backend pays a /proc/locks read for it.
 */
export function judge(f: Facts): Verdict {
  const big = f.size > MAX_CONTENT;
  const v: Verdict = big && f.pid === null ? { stale: true, alive: null, reason: 'no PID on its first line' } : judgeContent(f);
  if (!v.stale && !v.uncheckable) return v;
  // Whatever the PID says (another PID namespace, EPERM): only a live process holds a kernel lock.
  if (f.kernelHeld === true) return KERNEL_HELD;
  if (!big) return v;
  return {
    stale: false,
    alive: v.alive,
    foreign: true,
    reason: `not a lock file: ${f.size} bytes, more than a lock's ${MAX_CONTENT}, and ${v.reason}`,
  };
}

function judgeContent(f: Facts): Verdict {
  if (f.pid === null) {
    return f.now - f.mtimeMs > GRACE_MS
      ? { stale: true, alive: null, reason: `invalid content, older than ${GRACE_MS} ms` }
      : { stale: false, alive: null, reason: 'invalid content, but young enough to be a writer at work' };
  }
  const m = f.marker;
  if (m !== null) return f.ownTag !== null && m.tag === f.ownTag ? judgeOwner(f) : judgeElsewhere(f, m);
  const v = judgeOwner(f);
  if (!v.stale) return v;
  // Unmarked (an older version, another tool) on a filesystem other hosts share:
  // a PID not running here may be running there.
  const shared = f.shared;
  if (shared === null) return v;
  return {
    stale: false,
    alive: null,
    uncheckable: true,
    reason:
      `on a shared filesystem (${shared}) without a marker: owner ${f.pid} may be running on another host` +
      ` (here: ${v.reason}); if it is gone, run 'pidlock clean --force'`,
  };
}

/** A lock written in another domain: its PID names nothing here, so only evidence that needs no PID decides. */
function judgeElsewhere(f: Facts, m: Marker): Verdict {
  const sameBoot = f.ownTag !== null && bootPart(m.tag) === bootPart(f.ownTag);
  if (m.leaseSec !== null && f.now - f.mtimeMs > m.leaseSec * 1000) {
    return { stale: true, alive: null, reason: `its holder's ${m.leaseSec} s lease ran out (written on ${m.host})` };
  }
  if (f.shared === null) {
    // A local disk: nothing written before this boot has a live holder.
    const boot = f.bootMs;
    if (boot !== null && f.mtimeMs < boot - BOOT_MARGIN_MS) {
      return { stale: true, alive: null, reason: `written on ${m.host} before this machine booted` };
    }
    // One kernel, one flock table: a holder that promised its kernel lock and no longer holds it is gone.
    if (sameBoot && m.kernel && f.kernelHeld === false) {
      return {
        stale: true,
        alive: false,
        reason: `written in another PID namespace of this host (${m.host}) by a holder that kept its kernel lock, which nobody holds now`,
      };
    }
  }
  const where = sameBoot ? `in another PID namespace of this host (${m.host})` : `on host ${m.host} (another host or boot)`;
  return {
    stale: false,
    alive: null,
    uncheckable: true,
    reason: `written ${where}: owner ${f.pid} cannot be checked from here; if it is gone, run 'pidlock clean --force'`,
  };
}

/** Today's rules: the PID names a process of this domain. */
function judgeOwner(f: Facts): Verdict {
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
