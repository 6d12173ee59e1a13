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
  // A listable directory does not make its entries followable: without ptrace
  // access to the process (another user namespace, a non-dumpable process),
  // each stat says EACCES, which proves nothing either way.
  let denied = false;
  for (const fd of fds) {
    try {
      const st = fs.statSync(`${dir}/${fd}`, { bigint: true });
      if (st.ino === ino && st.dev === dev) return true;
    } catch (err) {
      // Closed meanwhile, or not statable (an anonymous inode): not our file.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') denied = true;
    }
  }
  return denied ? null : false;
}

/**
 * Whether `file`, still the file (dev, ino), belongs to one of the user ids
 * process `pid` runs as (real, effective, saved or filesystem: a file gets
 * its creator's filesystem uid, and any of the four may have been that at the
 * time). /proc/<pid>/status is world-readable, so this answers for another
 * user's process too, where /proc/<pid>/fd cannot be read.
 * null: cannot tell (not Linux, a /proc that is not ours, hidepid, the file changed).
 */
export function sameUser(pid: number, file: string, dev: bigint, ino: bigint): boolean | null {
  if (!procIsOurs()) return null;
  let st: fs.BigIntStats;
  let status: string;
  try {
    st = fs.lstatSync(file, { bigint: true });
    status = readProcHead(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  const m = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
  if (m === null || st.dev !== dev || st.ino !== ino) return null;
  return m.slice(1).map(BigInt).includes(st.uid);
}
