import fs = require('node:fs');

let ours: boolean | undefined;

/**
 * Whether /proc describes our PID namespace. It may be missing (a chroot, a
 * minimal container), or be the host's after `unshare -fp` without
 * --mount-proc, where /proc/<n> is some other process than our PID n; Deno
 * with scoped permissions refuses every read. Only a /proc whose "self" names
 * our own PID speaks about our PIDs. Decided once: the mount does not change
 * under a running process in any case we support. native/liveness_linux.cc
 * makes the same decision for the addon.
 */
export function procIsOurs(): boolean {
  if (ours === undefined) {
    try {
      ours = process.platform === 'linux' && fs.readlinkSync('/proc/self') === String(process.pid);
    } catch {
      ours = false;
    }
  }
  return ours;
}

// Large enough for any /proc/<pid>/stat line (its command name is at most 15 bytes).
const buf = Buffer.allocUnsafe(1024);

/**
 * The start of a small /proc file in one open, read and close. readFileSync
 * would fstat and read again to find the end, five calls per file. Throws fs errors.
 */
export function readProcHead(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    return buf.toString('latin1', 0, fs.readSync(fd, buf, 0, buf.length, null));
  } finally {
    fs.closeSync(fd);
  }
}
