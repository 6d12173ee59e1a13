// judge() and judgeSideFile(): whether a lock or side file is stale, as a pure
// function of the facts read from the file, the process table and the clock.
import { MAX_CONTENT } from './lockfile';
import { bootPart, tagInName, type Marker } from './domain';

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
 * A ballot or temp file of another host or PID namespace this old is abandoned:
 * its creator holds it for moments, and no clocks of two hosts are an hour
 * apart without far worse trouble.
 */
export const FOREIGN_SIDE_MS = 3_600_000;

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
  /** kernelHeld costs nothing to read: the native backend's look at the file took a test lock. */
  readonly kernelKnown: boolean;
  /** The marker on the second line (where it was written); null: none. */
  readonly marker: Marker | null;
  /** Our own domain's tag; null: this process has no exact identity and calls no marked lock ours. */
  readonly ownTag: string | null;
  /** The lock directory's shared filesystem ('nfs', 'fuse'...); null: local, unknown, or declared single-host. */
  readonly shared: string | null;
  /**
   * The directory is on a filesystem known to be this machine's alone (ext4,
   * tmpfs, xfs...), or declared single-host. An unknown one may be another
   * host's too: the rules that need one machine (a lock older than this boot,
   * one kernel's flock table) apply only here.
   */
  readonly local: boolean;
  /** This process is in the initial PID namespace (it sees every PID of this boot); null: cannot tell. */
  readonly initialPidNs: boolean | null;
  /**
   * An operator's force (`clean --force`): an uncheckable lock counts as stale,
   * unless a kernel lock holds it or this process cannot see one that would.
   */
  readonly force: boolean;
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

/** What judgeSideFile() needs beyond a lock's facts; `pid` is the file's creator. */
export interface SideFacts extends Facts {
  /** The creator's PID names a process of this domain (this host, boot and PID namespace). */
  readonly here: boolean;
  /** The file's owner is one of the creator's user ids; false: another user made it; null: cannot tell. */
  readonly sameUser: boolean | null;
  /** A temp file on its way to becoming the lock, whose creator (`pid`) is known by its name. */
  readonly tmp?: boolean;
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

/** The hint an uncheckable verdict ends with; a forced verdict drops it. */
const FORCE_HINT = "; if it is gone, run 'pidlock clean --force'";

/** Held because the owner cannot be checked from here, with the operator's way out. */
function cannotCheck(reason: string): Verdict {
  return { stale: false, alive: null, uncheckable: true, reason: `${reason}${FORCE_HINT}` };
}

/**
 * The one place that decides "stale". Stale needs proof: a dead owner, or one
 * that started after the lock was written (its PID was reused). Anything
 * uncertain (permission denied, unknown start time, a PID of another host, boot
 * or PID namespace) means held. A file larger than any lock is never stale: it
 * is someone's data (a config file passed as the path by mistake, a daemon's
 * multi-line pidfile), not an abandoned lock.
 *
 * A held kernel lock proves a live holder whatever the rest says. Where the
 * look at the file already told (kernelKnown: the native backend's test lock)
 * it is the first rule, so that a refused poll at a live native holder costs
 * no /proc read. Otherwise it is asked last, and only when the answer would
 * otherwise free the lock (also by an operator's force), since the JS backend
 * pays a /proc/locks read for it. An uncheckable lock is held either way:
 * without force it is asked only where the answer is free, for the reason's sake.
 */
export function judge(f: Facts): Verdict {
  if (f.kernelKnown && f.kernelHeld === true) return KERNEL_HELD;
  const big = f.size > MAX_CONTENT;
  const v: Verdict = big && f.pid === null ? { stale: true, alive: null, reason: 'no PID on its first line' } : judgeContent(f);
  if (!v.stale && !v.uncheckable) return v;
  if (v.uncheckable && !big && !f.force && !f.kernelKnown) return v;
  // Whatever the PID says (another PID namespace, EPERM): only a live process holds a kernel lock.
  if (f.kernelHeld === true) return KERNEL_HELD;
  if (big) {
    return {
      stale: false,
      alive: v.alive,
      foreign: true,
      reason: `not a lock file: ${f.size} bytes, more than a lock's ${MAX_CONTENT}, and ${v.reason}`,
    };
  }
  return v.uncheckable && f.force ? forced(f, v) : v;
}

/** An operator's force on an uncheckable lock: stale, unless a kernel lock that we cannot see may hold it. */
function forced(f: Facts, v: Verdict): Verdict {
  const m = f.marker;
  if (m !== null && m.kernel && sameBoot(f, m) && f.kernelHeld === null) {
    // A native holder of this kernel in a PID namespace whose locks /proc/locks hides from ours.
    return {
      stale: false,
      alive: null,
      uncheckable: true,
      reason:
        `${v.reason.replace(FORCE_HINT, '')}; its holder keeps a kernel lock that this process cannot see:` +
        ` force it from the host (the initial PID namespace) or with the native backend`,
    };
  }
  return { stale: true, alive: null, reason: `forced: ${v.reason.replace(FORCE_HINT, '')}` };
}

/** The marker was written by this running kernel (in any PID namespace of it). */
function sameBoot(f: Facts, m: Marker): boolean {
  return f.ownTag !== null && bootPart(m.tag) === bootPart(f.ownTag);
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
  if (shared !== null) {
    return cannotCheck(
      `on a shared filesystem (${shared}) without a marker: owner ${f.pid} may be running on another host (here: ${v.reason})`,
    );
  }
  // Inside a container, an unmarked lock may be the host's (every process there
  // writes one without a marker): its PID names some other process here, or
  // none. A kernel lock tells, where it can be seen; this namespace's own
  // holders mark their locks, so only another tool's (or an older version's)
  // lock of ours waits for an operator here.
  if (f.initialPidNs === false) {
    const k = f.kernelHeld;
    if (k === true) return KERNEL_HELD;
    if (k === null) {
      return cannotCheck(
        `written without a marker, and this process runs in a PID namespace other than the host's:` +
          ` owner ${f.pid} may be a process of the host or of another container (here: ${v.reason})`,
      );
    }
  }
  return v;
}

/** A lock written in another domain: its PID names nothing here, so only evidence that needs no PID decides. */
function judgeElsewhere(f: Facts, m: Marker): Verdict {
  const same = sameBoot(f, m);
  if (m.leaseSec !== null && f.now - f.mtimeMs > m.leaseSec * 1000) {
    return { stale: true, alive: null, reason: `its holder's ${m.leaseSec} s lease ran out (written on ${m.host})` };
  }
  if (f.local && f.shared === null) {
    // A local disk: nothing written in an earlier boot has a live holder. Only
    // for a marker of another boot: one of this boot was written in it, however
    // old its mtime looks (a container's /proc/uptime from lxcfs, a VM resumed
    // with its uptime stopped and the wall clock stepped, a board with no RTC).
    if (f.ownTag !== null && !same) {
      const boot = f.bootMs;
      if (boot !== null && f.mtimeMs < boot - BOOT_MARGIN_MS) {
        return { stale: true, alive: null, reason: `written on ${m.host} before this machine booted` };
      }
    }
    // One kernel, one flock table: a holder that promised its kernel lock and no longer holds it is gone.
    if (same && m.kernel) {
      const k = f.kernelHeld;
      if (k === true) return KERNEL_HELD;
      if (k === false) {
        return {
          stale: true,
          alive: false,
          reason: `written in another PID namespace of this host (${m.host}) by a holder that kept its kernel lock, which nobody holds now`,
        };
      }
    }
  }
  const where = same ? `in another PID namespace of this host (${m.host})` : `on host ${m.host} (another host or boot)`;
  return cannotCheck(`written ${where}: owner ${f.pid} cannot be checked from here`);
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
  // As for a lock: a test lock that saw it held spares the listing of the creator's descriptors.
  if (f.kernelKnown && f.kernelHeld === true) return KERNEL_HELD;
  // Another domain's temp file is empty or names a PID that means nothing here: only its age tells it is abandoned.
  if (!f.here && f.tmp) {
    const old = f.now - f.mtimeMs > FOREIGN_SIDE_MS;
    return { stale: old, alive: null, reason: `a temp file of another host or PID namespace, ${old ? 'older' : 'younger'} than an hour` };
  }
  // Its PID means nothing here: the lock's rules for other domains (held unless a lease, the boot or a kernel lock tells).
  if (!f.here) {
    const v = judge(f);
    // A breaker holds its ballot, and a publisher its temp name, for moments; no clocks of two hosts are this far apart.
    if (v.uncheckable && f.now - f.mtimeMs > FOREIGN_SIDE_MS) {
      return { stale: true, alive: null, reason: `${v.reason.replace(FORCE_HINT, '')}, and older than an hour` };
    }
    return v;
  }
  const v = judgeCreator(f);
  return v.stale && f.kernelHeld === true ? KERNEL_HELD : v;
}

function judgeCreator(f: SideFacts): Verdict {
  if (f.pid === null) return judgeContent(f);
  if (f.pid === f.ownPid || f.alive === false) return judgeOwner(f);
  const open = f.holdsOpen;
  if (open === true) return { stale: false, alive: f.alive, reason: `process ${f.pid} has it open` };
  if (open === false) return { stale: true, alive: f.alive, reason: `process ${f.pid} is running but does not have it open` };
  if (f.sameUser === false) {
    return { stale: true, alive: f.alive, reason: `its owner is not a user process ${f.pid} runs as: not that process's` };
  }
  return judgeOwner(f);
}

/**
 * Whether the PID in a temp file's name names a process of this domain, so
 * that it can be asked about: the name carries our domain's tag, or no tag
 * where no other host writes. `nameTag`: the tag in the name (src/sidefiles.ts
 * classify); `ownTag`: ours (Facts.ownTag); `shared`: as Facts.shared.
 */
export function tmpCreatorHere(nameTag: string | null, ownTag: string | null, shared: string | null): boolean {
  return nameTag === null ? shared === null : ownTag !== null && nameTag === tagInName(ownTag);
}
