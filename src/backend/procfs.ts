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

/**
 * Whether process `pid` has the file (dev, ino) open, read from /proc/<pid>/fd.
 * Holders of both backends keep their lock file open for as long as they hold
 * it, so this is positive proof of ownership that needs no clock. It guards the
 * start-time rule, which converts Linux's boot-clock start times to wall time:
 * after the wall clock steps forward, a live holder would look like a reused PID.
 * For our own PID it tells whether any thread of ours holds it. Both backends
 * answer with this one function: a directory listing and a stat per descriptor
 * cost the same from C++, and it runs only when a rule needs the proof.
 * null: cannot tell (not Linux, a /proc that is not ours, or another user's process).
 */
export function holdsOpen(pid: number, dev: bigint, ino: bigint): boolean | null {
  if (!procIsOurs()) return null;
  const dir = pid === process.pid ? '/proc/self/fd' : `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = fs.readdirSync(dir);
  } catch {
    return null;
  }
  for (const fd of fds) {
    try {
      const st = fs.statSync(`${dir}/${fd}`, { bigint: true });
      if (st.ino === ino && st.dev === dev) return true;
    } catch {
      // Closed meanwhile, or not statable (an anonymous inode): not our file.
    }
  }
  return false;
}
