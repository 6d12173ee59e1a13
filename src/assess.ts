import path = require('node:path');
import { localFs, sharedFs } from './backend/fsinfo';
import { bootedAtMs } from './backend/host';
import { isStaleHandle } from './backend/syserror';
import type { Backend, FileState, Probe } from './backend/types';
import { DEFAULT_POLICY, inInitialPidNs, ownDomain, type Marker, type Policy } from './domain';
import { PidLockError } from './errors';
import { firstLinePid, parseMarker } from './lockfile';
import { fileKey, isHeldHere } from './registry';
import { judge, judgeSideFile, type SideFacts, type Verdict } from './rules';
import { fileId } from './sidefiles';

/**
 * "Read the lock, then judge it", written once. Every decision about a lock
 * (PidLock's tries, the election in breaking.ts, removeStaleLock, lockStatus,
 * the singleton check) goes through assess(); judge() in rules.ts decides.
 */

/** When this process started; a lock naming our PID but older than us is a previous run's. */
export const PROCESS_START_MS = Date.now() - process.uptime() * 1000;

/** Looks at a path whose NFS handle went stale this often before giving up. */
const STALE_TRIES = 3;

/**
 * Where a lock was written: 'here' (our domain's marker, or no marker on a
 * local or single-host directory), 'other' (another domain's marker),
 * 'unknown' (no marker on a shared filesystem).
 */
export type Origin = 'here' | 'other' | 'unknown';

/** One read of a lock file, as the rules and the election need it. */
export interface Seen {
  /**
   * What its ballots carry (fileId in src/sidefiles.ts). Changes whenever the path names another file or the file is rewritten. No
   * st_dev in it: each NFS client numbers a mount its own way, and the breakers
   * of one file on several hosts must meet in one election.
   */
  readonly id: string;
  /** The file's identity in the registry (src/registry.ts). */
  readonly key: string;
  dev: bigint;
  ino: bigint;
  /** The PID on the first line: the owner, also of a multi-line pidfile. */
  pid: number | null;
  size: number;
  mtimeMs: number;
  /** What inspect() saw (the native backend's test lock); null: not known yet (see Gathered). */
  kernelHeld: boolean | null;
  marker: Marker | null;
  origin: Origin;
  /** The directory's shared filesystem, as judged (null when declared single-host). */
  shared: string | null;
  /** The directory is on a filesystem known to be local, or declared single-host. */
  local: boolean;
}

export interface Assessment {
  seen: Seen;
  verdict: Verdict;
}

/**
 * A Seen whose id and registry key (BigInt to string conversions) are built
 * when first asked for: a refused poll at a live holder needs neither.
 */
class SeenFile implements Seen {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly pid: number | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly kernelHeld: boolean | null;
  readonly marker: Marker | null;
  readonly origin: Origin;
  readonly shared: string | null;
  readonly local: boolean;
  readonly #mtimeNs: bigint;
  readonly #ctimeNs: bigint;
  #id: string | undefined;
  #key: string | undefined;

  constructor(st: FileState, file: string, policy: Policy) {
    const marker = parseMarker(st.head, st.size);
    const dir = path.dirname(file);
    const shared = policy.singleHost ? null : sharedFs(dir);
    const own = ownDomain();
    this.dev = st.dev;
    this.ino = st.ino;
    this.pid = firstLinePid(st.head, st.size);
    this.size = st.size;
    this.mtimeMs = Number(st.mtimeNs / 1000000n);
    this.kernelHeld = st.kernelHeld;
    this.marker = marker;
    this.origin = marker !== null ? (own !== null && marker.tag === own.tag ? 'here' : 'other') : shared === null ? 'here' : 'unknown';
    this.shared = shared;
    this.local = policy.singleHost || localFs(dir).local;
    this.#mtimeNs = st.mtimeNs;
    this.#ctimeNs = st.ctimeNs;
  }

  get id(): string {
    return (this.#id ??= fileId({ ino: this.ino, mtimeNs: this.#mtimeNs, ctimeNs: this.#ctimeNs }));
  }

  get key(): string {
    return (this.#key ??= fileKey(this.dev, this.ino));
  }
}

/**
 * Reads a lock path once. Missing: null. A path that is not a regular file, or
 * that cannot be read, makes every decision impossible: PidLockError.
 */
export function read(backend: Backend, file: string, policy: Policy = DEFAULT_POLICY): Seen | null {
  let st;
  for (let tries = 1; ; tries++) {
    try {
      st = backend.inspect(file);
      break;
    } catch (err) {
      // A stale NFS handle means the file changed under us: look again.
      if (tries < STALE_TRIES && isStaleHandle(err)) continue;
      throw PidLockError.from(err, 'open', file);
    }
  }
  if (st === null) return null;
  if (st.type === 'dir') throw new PidLockError('EISDIR', 'open', file);
  if (st.type !== 'file') throw new PidLockError('EINVAL', 'open', file, 'not a regular file');
  return new SeenFile(st, file, policy);
}

/**
 * The facts about one read, each gathered when a rule first asks for it: an
 * invalid lock never costs a probe, only the start-time and own-PID rules list
 * /proc/<pid>/fd, and /proc/locks is read only when a kernel lock decides.
 */
class Gathered implements SideFacts {
  readonly pid: number | null;
  readonly size: number;
  readonly mtimeMs: number;
  readonly marker: Marker | null;
  readonly shared: string | null;
  readonly local: boolean;
  readonly force: boolean;
  readonly kernelKnown: boolean;
  readonly ownTag = ownDomain()?.tag ?? null;
  readonly ownPid = process.pid;
  readonly processStartMs = PROCESS_START_MS;
  readonly #backend: Backend;
  readonly #seen: Seen;
  readonly #file: string;
  #probe: Probe | undefined;
  #open: boolean | null | undefined;
  #kernel: boolean | null | undefined;
  #sameUser: boolean | null | undefined;
  /** For side files: the creator's PID names a process of ours (judgeSideFile). */
  readonly here: boolean;
  readonly tmp: boolean;

  /**
   * `creator`: a temp file's, known by its name, when not the one named in
   * the file. `force`: an operator's (Facts.force).
   */
  constructor(backend: Backend, file: string, seen: Seen, creator?: Creator, force = false) {
    this.#backend = backend;
    this.#file = file;
    this.#seen = seen;
    this.pid = creator?.pid ?? seen.pid;
    this.here = creator?.here ?? seen.origin === 'here';
    this.tmp = creator !== undefined;
    this.size = seen.size;
    this.mtimeMs = seen.mtimeMs;
    this.marker = seen.marker;
    this.shared = seen.shared;
    this.local = seen.local;
    this.force = force;
    this.#kernel = seen.kernelHeld ?? undefined;
    this.kernelKnown = seen.kernelHeld !== null;
  }

  get now(): number {
    return Date.now();
  }

  get kernelHeld(): boolean | null {
    if (this.#kernel === undefined)
      this.#kernel = this.#backend.kernelHeld?.(this.#seen.dev, this.#seen.ino, path.dirname(this.#file)) ?? null;
    return this.#kernel;
  }

  get bootMs(): number | null {
    return bootedAtMs();
  }

  get initialPidNs(): boolean | null {
    return inInitialPidNs();
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
      this.#sameUser = this.#backend.sameUser(this.pid as number, this.#file, this.#seen.dev, this.#seen.ino);
    }
    return this.#sameUser;
  }

  #owner(): Probe {
    return (this.#probe ??= this.#backend.probe(this.pid as number));
  }
}

/**
 * `file`: where `seen` was read. `policy.force`: an uncheckable lock counts as
 * stale (never one a kernel lock or a live local owner holds).
 */
export function judgeSeen(backend: Backend, file: string, seen: Seen, policy: Policy = DEFAULT_POLICY): Verdict {
  return judge(new Gathered(backend, file, seen, undefined, policy.force));
}

/**
 * One look at the lock at `path`: null when there is none, else what is there
 * and its verdict. A file that is not a lock (see judge()) throws PidLockError
 * EFTYPE, since nobody can take that lock and nobody may delete the file,
 * unless `foreign` is 'report' (diagnostics, ballots).
 */
export function assess(
  backend: Backend,
  file: string,
  foreign: 'throw' | 'report' = 'throw',
  policy: Policy = DEFAULT_POLICY,
): Assessment | null {
  const seen = read(backend, file, policy);
  if (seen === null) return null;
  const verdict = judgeSeen(backend, file, seen, policy);
  if (verdict.foreign && foreign === 'throw') throw new PidLockError('EFTYPE', 'use', file, verdict.reason);
  return { seen, verdict };
}

/**
 * A temp file's creator, as its name tells: the content of a temp file is
 * empty until its creator writes it, so it proves nothing. `here`: the PID
 * names a process of this domain (tmpCreatorHere in src/rules.ts).
 */
export interface Creator {
  pid: number;
  here: boolean;
}

/**
 * One look at a side file (a break ballot, or a temp file, whose `creator` its
 * name tells): null when it is gone, else whether its creator still uses it
 * (judgeSideFile).
 */
export function assessSideFile(backend: Backend, file: string, creator?: Creator, force = false): Assessment | null {
  const seen = read(backend, file);
  if (seen === null) return null;
  return { seen, verdict: judgeSideFile(new Gathered(backend, file, seen, creator, force)) };
}

/** judgeSeen() for a side file read before (a breaker's ballot that a waiter watches). */
export function judgeSideSeen(backend: Backend, file: string, seen: Seen): Verdict {
  return judgeSideFile(new Gathered(backend, file, seen));
}
