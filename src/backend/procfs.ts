// What Linux's /proc tells about processes and locks: liveness refinements,
// which process has a file open, the boot id and PID namespace, /proc/locks.
// Every answer is "cannot tell" (null) where /proc is not our namespace's.
import fs = require('node:fs');
import path = require('node:path');
import { localFs } from './fsinfo';

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
 * Local filesystems that record each file's creator as its owner, by statfs
 * f_type: tmpfs, ext2/3/4, xfs, btrfs, f2fs, zfs, overlayfs, bcachefs. Elsewhere
 * an owner may say nothing about the creator (NFS root squash, sshfs and
 * bindfs forcing one owner, FAT's mount-wide uid), so no ownership is evidence there.
 */
const OWNERS_KEPT = new Set([0x01021994, 0xef53, 0x58465342, 0x9123683e, 0xf2f52010, 0x2fc12fc1, 0x794c7630, 0xca451a4e]);

/**
 * Whether `file`, still the file (dev, ino), belongs to one of the user ids
 * process `pid` runs as (real, effective, saved or filesystem: a file gets
 * its creator's filesystem uid, and any of the four may have been that at the
 * time). /proc/<pid>/status is world-readable, so this answers for another
 * user's process too, where /proc/<pid>/fd cannot be read.
 * null: cannot tell (not Linux, a /proc that is not ours, hidepid, the file
 * changed, a filesystem whose owners say nothing about creators).
 */
export function sameUser(pid: number, file: string, dev: bigint, ino: bigint): boolean | null {
  if (!procIsOurs()) return null;
  let st: fs.BigIntStats;
  let status: string;
  try {
    if (!OWNERS_KEPT.has(Number(fs.statfsSync(path.dirname(file)).type) >>> 0)) return null;
    st = fs.lstatSync(file, { bigint: true });
    status = readProcHead(`/proc/${pid}/status`);
  } catch {
    return null;
  }
  const m = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
  if (m === null || st.dev !== dev || st.ino !== ino) return null;
  return m.slice(1).map(BigInt).includes(st.uid);
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
 * Whether a live process holds a flock on the file (dev, ino) in the directory
 * `dir`, from /proc/locks: how a process that cannot take a test lock itself
 * (the JS backend) sees the kernel locks of native holders, `flock -n` and a
 * killed `pidlock run`'s command. A reader sees the locks of the processes its
 * PID namespace can name (fs/locks.c locks_translate_pid() hides the rest), so
 * "not listed" proves "not held" only in the initial PID namespace, which sees
 * every one; elsewhere it is null. /proc/locks prints the superblock's device,
 * which is stat's st_dev only on some filesystems (a btrfs subvolume has its
 * own; overlayfs may report a layer's): a WRITE line with either st_dev or the
 * mount's device counts as held, and "not listed" is false only where the
 * filesystem's naming is known (fsinfo LOCAL_TYPES) or the two devices agree;
 * else null. The pid column is the reader's view of the owner and is not used.
 * One read of a file whose size grows with the machine's lock count: callers
 * ask only when the answer decides.
 */
export function kernelHeldByProcLocks(dev: bigint, ino: bigint, dir: string): boolean | null {
  if (!procIsOurs()) return null;
  let text: string;
  try {
    text = fs.readFileSync('/proc/locks', 'latin1');
  } catch {
    return null;
  }
  const statDev = procLocksDevice(dev);
  const how = localFs(dir).locksDev;
  const mount = how === 'stat' ? statDev : mountDevice(dir);
  const keys = [statDev, mount].filter((d) => d !== null).map((d) => ` ${d}:${ino} `);
  for (const line of text.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fe:00:2152163 0 EOF". Only an exclusive lock (WRITE) is a
    // holder's, as for the native backend's shared probe; READ lines are probes and readers, and a
    // blocked waiter's line ("->") holds nothing.
    if (keys.some((k) => line.includes(k)) && / FLOCK +ADVISORY +WRITE /.test(line) && !line.includes('->')) return true;
  }
  const named = how === 'stat' || (mount !== null && (how === 'mount' || mount === statDev));
  return named && inInitialPidNamespace() === true ? false : null;
}

const mountDevices = new Map<string, string | null>();

/**
 * The device (`major:minor`, as /proc/locks prints it) of the mount the
 * directory `dir` is on, from /proc/self/mountinfo: the mount point that is the
 * longest prefix of its real path, the last mounted of equals (it covers the
 * others). null: cannot tell. Cached per directory for the process's life.
 */
export function mountDevice(dir: string): string | null {
  const known = mountDevices.get(dir);
  if (known !== undefined) return known;
  let real: string;
  let text: string;
  try {
    real = fs.realpathSync(dir);
    text = fs.readFileSync('/proc/self/mountinfo', 'latin1');
  } catch {
    return null;
  }
  let best: { point: string; dev: string } | null = null;
  for (const line of text.split('\n')) {
    // "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw": the 3rd field is the
    // superblock's device, the 5th the mount point, with space, tab, newline and backslash in octal.
    const f = line.split(' ');
    if (f.length < 5) continue;
    const point = f[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const under = point === '/' || real === point || real.startsWith(`${point}/`);
    if (under && (best === null || point.length >= best.point.length)) best = { point, dev: f[2] };
  }
  const dev =
    best === null
      ? null
      : best.dev
          .split(':')
          .map((n) => Number(n).toString(16).padStart(2, '0'))
          .join(':');
  mountDevices.set(dir, dev);
  return dev;
}

let boot = { ms: 0, skew: NaN };

/**
 * When the boot clock read 0, on the wall clock; null: unknown. Start times
 * count on the boot clock, and a lock older than this boot was written before
 * it. The offset moves only when the wall clock steps or the machine suspends
 * (the boot clock counts suspend, performance.now() does not), and either moves
 * the wall-minus-monotonic skew too; while that stays put, the last
 * /proc/uptime read is still good and judging needs no second file.
 */
export function bootEpochMs(): number | null {
  const skew = Date.now() - performance.now();
  if (Math.abs(skew - boot.skew) < 2) return boot.ms;
  let up: number;
  try {
    up = Number(readProcHead('/proc/uptime').split(' ')[0]);
  } catch {
    return null;
  }
  if (!Number.isFinite(up)) return null;
  boot = { ms: Date.now() - up * 1000, skew };
  return boot.ms;
}

/** Whether this process is in the initial PID namespace; null: cannot tell (no /proc of ours). */
export function inInitialPidNamespace(): boolean | null {
  const own = pidDomainIds();
  return own === null ? null : own.pidns === INITIAL_PID_NS;
}
