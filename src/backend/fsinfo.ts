import fs = require('node:fs');
import type { Backend, DirKind } from './types';

/**
 * Filesystems shared by several hosts (or whose locking and PIDs cannot be
 * trusted to be one machine's), by statfs f_type (linux/magic.h, and each
 * filesystem's own source for those it lacks). A PID in a lock on one of these
 * may be another host's. Every FUSE filesystem counts: sshfs and bindfs look
 * the same to statfs, and a local one cannot be told from a network one.
 */
const SHARED_TYPES = new Map<number, string>([
  [0x6969, 'nfs'],
  [0x517b, 'smb'],
  [0xff534d42, 'cifs'],
  [0xfe534d42, 'smb2'],
  [0x65735546, 'fuse'],
  [0x00c36400, 'ceph'],
  [0x01021997, '9p'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'afs'],
  [0x7461636f, 'ocfs2'],
  [0x01161970, 'gfs2'],
  [0x0bd00bd0, 'lustre'],
  [0x47504653, 'gpfs'],
  [0x6a656a63, 'virtiofs'],
  [0x19830326, 'beegfs'],
  [0x20030528, 'orangefs'],
  [0x73757245, 'coda'],
]);

const cache = new Map<string, string | null>();

/**
 * The kind of shared filesystem the directory `dir` is on ('nfs', 'fuse', ...),
 * or null: local, or unknown (statfs failed, or no backend answer), which is
 * judged as local, as every lock was before this check existed. Windows: a UNC
 * path (\\server\share\...) is a network share; a drive letter mapped to a
 * share, and every macOS mount, is asked of the backend's dirKind(), which only
 * the native addon has. Cached per directory for the process's
 * life: a mount under a running app's lock directory is not a case we support.
 */
export function sharedFs(dir: string): string | null {
  const known = cache.get(dir);
  if (known !== undefined) return known;
  let kind: string | null = null;
  if (process.platform === 'win32' && isUncPath(dir)) {
    kind = 'smb';
  } else if (process.platform === 'win32' || process.platform === 'darwin') {
    const said = asked?.dirKind?.(dir);
    if (said === null) return null; // not cached: the directory may not exist yet
    kind = said === undefined ? null : sharedKind(said, process.platform);
  } else if (process.platform === 'linux') {
    const linux = linuxFsOf(dir);
    if (linux === null) return null; // not cached: the directory may not exist yet
    kind = linux.shared;
  }
  cache.set(dir, kind);
  return kind;
}

let asked: Backend | undefined;

/** The backend whose dirKind() answers on macOS and Windows (src/backend/index.ts sets the selected one). */
export function askBackend(backend: Backend): void {
  asked = backend;
}

/**
 * The shared kind for what the OS said of a directory, or null (local).
 * Every FUSE mount counts as shared, as on Linux: macFUSE marks a mount local
 * only on request (-o local), and an sshfs mount is FUSE all the same.
 */
export function sharedKind(said: DirKind, platform: string): string | null {
  if (platform === 'win32') return said.local ? null : 'network drive';
  if (!said.local || /fuse/i.test(said.type)) return said.type || 'network';
  return null;
}

/** \\server\share or //server/share, and the \\?\UNC\ long form; \\?\C:\ and \\.\ device paths are local. */
export function isUncPath(p: string): boolean {
  if (/^[\\/]{2}[?.][\\/]/.test(p)) return /^[\\/]{2}\?[\\/]UNC[\\/]/i.test(p);
  return /^[\\/]{2}[^\\/]+[\\/][^\\/]+/.test(p);
}

/**
 * Filesystems known to be one machine's own, by statfs f_type, and how
 * /proc/locks names a file on each: it prints the superblock's device and the
 * inode's number. 'stat': stat's st_dev and st_ino are those. 'mount': st_ino
 * is, but st_dev is a subvolume's own anonymous device (btrfs), and the
 * superblock's is the mount's in /proc/self/mountinfo. 'unknown': overlayfs may
 * report a layer's device and inode, bcachefs and zfs are not verified. A
 * filesystem on neither list (a cluster or network filesystem this list does
 * not know) is neither shared nor local: no rule that needs a local disk applies there.
 */
const LOCAL_TYPES = new Map<number, LocksDev>([
  [0xef53, 'stat'], // ext2, ext3, ext4
  [0x58465342, 'stat'], // xfs
  [0x01021994, 'stat'], // tmpfs
  [0x858458f6, 'stat'], // ramfs
  [0xf2f52010, 'stat'], // f2fs
  [0x4d44, 'stat'], // vfat, msdos
  [0x2011bab0, 'stat'], // exfat
  [0x7366746e, 'stat'], // ntfs3
  [0x3153464a, 'stat'], // jfs
  [0x52654973, 'stat'], // reiserfs
  [0x3434, 'stat'], // nilfs2
  [0x9123683e, 'mount'], // btrfs
  [0xca451a4e, 'unknown'], // bcachefs
  [0x2fc12fc1, 'unknown'], // zfs
  [0x794c7630, 'unknown'], // overlayfs
]);

export type LocksDev = 'stat' | 'mount' | 'unknown';

export interface LocalFs {
  /** The directory is on a filesystem known to be this machine's alone. */
  local: boolean;
  /** How /proc/locks names a file there (LOCAL_TYPES); 'unknown' where not local. */
  locksDev: LocksDev;
}

const NOT_KNOWN: LocalFs = { local: false, locksDev: 'unknown' };
const linuxCache = new Map<string, ReturnType<typeof linuxFsKind>>();

/**
 * One statfs of `dir` answers both questions (shared? known local?), cached
 * per directory for the process's life; null where statfs fails, not cached:
 * the directory may not exist yet.
 */
function linuxFsOf(dir: string): ReturnType<typeof linuxFsKind> | null {
  const known = linuxCache.get(dir);
  if (known !== undefined) return known;
  if (typeof fs.statfsSync !== 'function') return null;
  let type: number;
  try {
    type = Number(fs.statfsSync(dir).type);
  } catch {
    return null;
  }
  const kind = linuxFsKind(type);
  linuxCache.set(dir, kind);
  return kind;
}

/**
 * Whether the directory `dir` is on a filesystem known to be local (Linux
 * only; elsewhere, and where statfs fails, not known).
 */
export function localFs(dir: string): LocalFs {
  return (process.platform === 'linux' ? linuxFsOf(dir) : null) ?? NOT_KNOWN;
}

/** How a Linux statfs f_type is classified: shared (its name), known local, or neither. */
export function linuxFsKind(type: number): LocalFs & { shared: string | null } {
  const t = LOCAL_TYPES.get(type >>> 0);
  return { shared: SHARED_TYPES.get(type >>> 0) ?? null, local: t !== undefined, locksDev: t ?? 'unknown' };
}
