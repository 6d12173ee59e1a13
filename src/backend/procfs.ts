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

/** The inode of the initial PID namespace (PROC_PID_INIT_INO, include/linux/proc_ns.h), the same on every Linux. */
export const INITIAL_PID_NS = 4026531836n;

/**
 * This boot of this kernel (a new random UUID each boot, shared by every
 * container of the host) and our PID namespace's inode: together they say
 * where a PID means something. null without a /proc that is ours: then no
 * identity is exact, and the caller writes no marker and calls no marked lock ours.
 */
let ids: { boot: string; pidns: bigint } | null | undefined;

export function pidDomainIds(): { boot: string; pidns: bigint } | null {
  // Cached: neither changes under a running process (setns(CLONE_NEWPID) moves only its children).
  if (ids === undefined) {
    ids = null;
    if (procIsOurs()) {
      try {
        const boot = readProcHead('/proc/sys/kernel/random/boot_id').trim();
        const pidns = fs.statSync('/proc/self/ns/pid', { bigint: true }).ino;
        if (boot !== '') ids = { boot, pidns };
      } catch {
        // No exact identity: null.
      }
    }
  }
  return ids;
}

/** `major:minor` as /proc/locks prints a device (fs/locks.c: "%02x:%02x"), from st_dev as Linux encodes it (new_encode_dev). */
export function procLocksDevice(dev: bigint): string {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}`;
}

/**
 * Whether a live process holds a flock on the file (dev, ino), from /proc/locks:
 * how a process that cannot take a test lock itself (the JS backend) sees the
 * kernel locks of native holders, `flock -n` and a killed `pidlock run`'s
 * command. A reader sees the locks of the processes its PID namespace can name
 * (fs/locks.c locks_translate_pid() hides the rest), so "not listed" proves
 * "not held" only in the initial PID namespace, which sees every one; elsewhere
 * it is null. The pid column is the reader's view of the owner and is not used.
 * One read of a file whose size grows with the machine's lock count: callers
 * ask only when the answer decides.
 */
export function kernelHeldByProcLocks(dev: bigint, ino: bigint): boolean | null {
  if (!procIsOurs()) return null;
  let text: string;
  try {
    text = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return null;
  }
  const key = ` ${procLocksDevice(dev)}:${ino} `;
  for (const line of text.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2152163 0 EOF". Only an exclusive lock (WRITE) is a
    // holder's, as for the native backend's shared probe; READ lines are probes and readers, and a
    // blocked waiter's line ("->") holds nothing.
    if (line.includes(key) && / FLOCK +ADVISORY +WRITE /.test(line) && !line.includes('->')) return true;
  }
  return inInitialPidNamespace() === true ? false : null;
}

/** Whether this process is in the initial PID namespace; null: cannot tell (no /proc of ours). */
export function inInitialPidNamespace(): boolean | null {
  const own = pidDomainIds();
  return own === null ? null : own.pidns === INITIAL_PID_NS;
}
