import fs = require('node:fs');

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
]);

const cache = new Map<string, string | null>();

/**
 * The kind of shared filesystem the directory `dir` is on ('nfs', 'fuse', ...),
 * or null: local, or unknown (not Linux, or statfs failed), which is judged as
 * local, as every lock was before this check existed. Windows: a UNC path
 * (\\server\share\...) is a network share; drive letters mapped to shares are
 * not recognised without the addon. Cached per directory for the process's
 * life: a mount under a running app's lock directory is not a case we support.
 */
export function sharedFs(dir: string): string | null {
  const known = cache.get(dir);
  if (known !== undefined) return known;
  let kind: string | null = null;
  if (process.platform === 'win32') {
    kind = isUncPath(dir) ? 'smb' : null;
  } else if (process.platform === 'linux' && typeof fs.statfsSync === 'function') {
    try {
      kind = SHARED_TYPES.get(Number(fs.statfsSync(dir).type) >>> 0) ?? null;
    } catch {
      return null; // not cached: the directory may not exist yet
    }
  }
  cache.set(dir, kind);
  return kind;
}

/** \\server\share or //server/share, and the \\?\UNC\ long form; \\?\C:\ and \\.\ device paths are local. */
export function isUncPath(p: string): boolean {
  if (/^[\\/]{2}[?.][\\/]/.test(p)) return /^[\\/]{2}\?[\\/]UNC[\\/]/i.test(p);
  return /^[\\/]{2}[^\\/]+[\\/][^\\/]+/.test(p);
}
