import path = require('node:path');
import { ownDomain, tagInName } from './domain';
import { nameLength, truncateName } from './names';

/**
 * Names of the helper files kept beside a lock: temp files that become the lock
 * through link(), and break ballots. All start with the lock's own name, so they
 * stay in its directory (link() needs that) and are easy to find and collect.
 */
// Measured with nameLength (bytes, or UTF-16 units on Windows), so every side
// name fits in NAME_MAX whenever the lock's own name does: the longest suffix is
// a temp's ".<domain>-<pid>.<counter+random>.tmp", at most 1+20+1+10+1+16+4 = 53,
// or a ballot's ".break.<id>.<round>", at most 54 (an id is three 64-bit numbers
// in base 36, 42 with signs and dashes; rounds stop at 256), and 180 + 54 <= 255.
// A lock that can be created but whose ballots cannot be could never be broken.
const MAX_BASE = 180;
const CUT_BASE = 120;

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export function sideBase(lockPath: string): string {
  const base = path.basename(lockPath);
  return nameLength(base) <= MAX_BASE ? base : `${truncateName(base, CUT_BASE)}~${fnv1a(base)}`;
}

/**
 * The id of one lock file that its ballots carry, from one read of it: it
 * changes whenever the path names another file or the file is rewritten. No
 * st_dev in it: each NFS client numbers a mount its own way, and the breakers
 * of one file on several hosts must meet in one election.
 */
export function fileId(st: { ino: bigint; mtimeNs: bigint; ctimeNs: bigint }): string {
  return `${st.ino.toString(36)}-${st.mtimeNs.toString(36)}-${st.ctimeNs.toString(36)}`;
}

/** Where the temp names of `lockPath` by process `pid` of the domain `tag` (null: none known) start. */
function tmpPrefix(lockPath: string, tag: string | null, pid: number): string {
  return path.join(path.dirname(lockPath), `${sideBase(lockPath)}.${tag === null ? '' : `${tagInName(tag)}-`}${pid}.`);
}

/**
 * A temp name says where its creator's PID means something (its domain's tag),
 * so that litter collection on another host or in another PID namespace never
 * judges it by a PID of its own. `unique`: what keeps one creator's names apart.
 */
export function tmpPathOf(lockPath: string, tag: string | null, pid: number, unique: string): string {
  return `${tmpPrefix(lockPath, tag, pid)}${unique}.tmp`;
}

let counter = 0;
// The backends' own temp names (the core never names one). The native backend
// on Linux asks for one on every publish although it mostly needs none
// (O_TMPFILE), so the part that depends on the lock path is built once per path.
let lastLock = '';
let lastPrefix = '';

/** A fresh temp name of this process for `lockPath`: tmpPathOf, with the prefix kept per path. */
export function tmpPath(lockPath: string): string {
  if (lockPath !== lastLock) {
    lastPrefix = tmpPrefix(lockPath, ownDomain()?.tag ?? null, process.pid);
    lastLock = lockPath;
  }
  return `${lastPrefix}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
}

export function ballotPath(lockPath: string, lockId: string, round: number): string {
  return path.join(path.dirname(lockPath), `${sideBase(lockPath)}.break.${lockId}.${round}`);
}

/** A side file of a lock: `domain` is the temp's creator's domain tag without its dot; null: none in its name. */
export type SideFile = { kind: 'tmp'; pid: number; domain: string | null } | { kind: 'ballot'; lockId: string };

/** Which side file a directory entry is, if it belongs to this lock. */
export function classify(lockPath: string, entry: string): SideFile | null {
  const prefix = `${sideBase(lockPath)}.`;
  if (!entry.startsWith(prefix)) return null;
  const rest = entry.slice(prefix.length);
  const tmp = /(?:^|\.)(?:([0-9a-f]{20})-)?(\d+)\.[0-9a-z]+\.tmp$/.exec(rest);
  if (tmp) return { kind: 'tmp', pid: Number(tmp[2]), domain: tmp[1] ?? null };
  const m = /^break\.([0-9a-z-]+)\.\d+$/.exec(rest);
  return m ? { kind: 'ballot', lockId: m[1] } : null;
}
