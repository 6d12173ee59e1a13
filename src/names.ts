import path = require('node:path');

/**
 * How long a file name is, the way the filesystem counts: NAME_MAX is 255 UTF-8
 * bytes on POSIX filesystems (ext4, tmpfs, APFS) and 255 UTF-16 units on NTFS.
 * A JS string's length is neither, once a name has non-ASCII characters. This
 * is the one place that knows the difference.
 */
export const NAME_MAX = 255;

const windows = process.platform === 'win32';

/** What nameLength counts, for messages. */
const NAME_UNITS = windows ? 'UTF-16 units' : 'bytes';

export function nameLength(name: string): number {
  // Node passes lone surrogates to POSIX as U+FFFD, which byteLength counts the same way.
  return windows ? name.length : Buffer.byteLength(name);
}

/** The longest prefix of `name` within `max` (in nameLength units) that does not split a character. */
export function truncateName(name: string, max: number): string {
  let units = 0;
  let used = 0;
  for (const ch of name) {
    used += nameLength(ch);
    if (used > max) break;
    units += ch.length;
  }
  return name.slice(0, units);
}

/**
 * Why the file name of `lockPath` is one no common filesystem can hold (more
 * than NAME_MAX); null: it fits. The one name-length rule: PidLock refuses such
 * a lock before creating anything, and PidLockError reports any failure on
 * such a path as ENAMETOOLONG.
 */
export function nameTooLong(lockPath: string): string | null {
  const n = nameLength(path.basename(lockPath));
  return n > NAME_MAX ? `its name is ${n} ${NAME_UNITS}, a file name may have ${NAME_MAX}` : null;
}
