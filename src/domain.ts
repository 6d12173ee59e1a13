// Where a PID means something (one boot of one kernel, one PID namespace), and
// the marker a lock carries to say where it was written.
import { sharedFs } from './backend/fsinfo';
import { hostName } from './backend/host';
import { inInitialPidNamespace, pidDomainIds } from './backend/procfs';
import { sha256Hex } from './sha256';

/**
 * Where a PID means something: one boot of one kernel and one PID namespace
 * (the README, "Where a lock was written: the marker"). `tag` is what a lock's marker carries; `host` is
 * the host name, for messages only: names repeat, change and are faked by
 * containers, so they never decide anything.
 */
export interface Domain {
  tag: string;
  host: string;
}

/** A lock's second line: `@<tag>[ K][ L<leaseSec>] <host>` (written and parsed in src/lockfile.ts). */
export interface Marker {
  tag: string;
  /** The holder took the file's kernel lock (a native holder on a local filesystem). */
  kernel: boolean;
  /** A lease the holder keeps by refreshing the mtime; null: none. */
  leaseSec: number | null;
  /** The writer's host name, possibly cut to fit MAX_CONTENT; for messages only. */
  host: string;
}

function hash(kind: string, value: string, hexDigits: number): string {
  return sha256Hex(`pidlock-${kind}/1\0${value}`).slice(0, hexDigits);
}

/** A tag as a file name carries it (a temp file's, src/sidefiles.ts): without its dot. */
export function tagInName(tag: string): string {
  return tag.replace('.', '');
}

/** The part of a tag that names the boot: two tags that share it were written by one running kernel. */
export function bootPart(tag: string): string {
  return tag.slice(0, tag.indexOf('.'));
}

let own: Domain | null | undefined;

/** This process's domain; null where no exact identity can be read (no /proc of ours, not Linux). */
export function ownDomain(): Domain | null {
  if (own === undefined) {
    const ids = pidDomainIds();
    own = ids === null ? null : { tag: `${hash('boot', ids.boot, 12)}.${hash('pidns', String(ids.pidns), 8)}`, host: hostName() };
  }
  return own;
}

/** Whether this process is in the initial PID namespace (not in a container); null: cannot tell. */
export function inInitialPidNs(): boolean | null {
  return inInitialPidNamespace();
}

/** How a lock is written and judged: the options PidLock, lockStatus and removeStaleLock take. */
export type OriginMode = 'auto' | 'always' | 'never';

export interface Policy {
  /** When to write the marker: 'auto' only where it is needed (see markerFor). */
  readonly origin: OriginMode;
  /** The app declares the lock's directory used by this host alone, whatever its filesystem. */
  readonly singleHost: boolean;
  /** A lease in ms the holder keeps by refreshing the file's mtime; null: none. */
  readonly leaseMs: number | null;
  /** A lock that cannot be checked from here counts as stale (the operator's `clean --force`). */
  readonly force: boolean;
}

export const DEFAULT_POLICY: Policy = { origin: 'auto', singleHost: false, leaseMs: null, force: false };

/**
 * The marker a lock written now into `dir` carries, or null for a bare `PID\n`.
 * 'auto' writes it only where a PID alone could mislead: a shared filesystem
 * (another host may read it), a process outside the initial PID namespace (a
 * container: the host and its siblings read other PIDs), or a lease (which
 * contenders must be able to read). A desktop app or a job on a local disk
 * keeps the plain pidfile. `kernelLock`: this holder takes the file's kernel
 * lock (the native backend); it is promised only on a local filesystem, where
 * the one kernel's flock table is the whole truth.
 */
export function markerFor(dir: string, policy: Policy, kernelLock: boolean): Marker | null {
  if (policy.origin === 'never') return null;
  const shared = sharedFs(dir);
  if (policy.origin === 'auto' && shared === null && inInitialPidNs() === true && policy.leaseMs === null) return null;
  // Only now: reading the boot and namespace ids is a cold start's cost that a plain pidfile need not pay.
  const domain = ownDomain();
  if (domain === null) return null;
  return {
    tag: domain.tag,
    kernel: kernelLock && shared === null,
    leaseSec: policy.leaseMs === null ? null : Math.ceil(policy.leaseMs / 1000),
    host: domain.host,
  };
}
