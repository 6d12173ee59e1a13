// The pure-JS backend: the Backend verbs (types.ts) with node:fs, and /proc
// (procfs.ts) where Linux has the answers the addon would give.
import fs = require('node:fs');
import { MAX_CONTENT } from '../lockfile';
import { tmpPath } from '../sidefiles';
import { list, unlink } from './entries';
import { bootEpochMs, holdsOpen, kernelHeldByProcLocks, procIsOurs, readProcHead, sameUser } from './procfs';
import type { Backend, FileState, Held, Probe, Removed } from './types';
import { watchLock } from './watch';

const isLinux = process.platform === 'linux';
const isWindows = process.platform === 'win32';
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW;
/** Opens for reading without following a final symlink or blocking on a FIFO. */
const READ_FLAGS = fs.constants.O_RDONLY | O_NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0);

/** USER_HZ: the unit of /proc/<pid>/stat starttime, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

const UNKNOWN: Probe = { alive: null, startMs: null };

function probe(pid: number): Probe {
  if (pid > 0x7fffffff) {
    // process.kill() cannot take it; on POSIX no pid_t can name it.
    return { alive: isWindows ? null : false, startMs: null };
  }
  const self = pid === process.pid;
  let denied = false;
  if (!self) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return { alive: false, startMs: null };
      if (code !== 'EPERM') return UNKNOWN;
      denied = true; // it exists, but we may not signal it
    }
  }
  // What kill() says, unrefined: a process, a zombie or a thread id of one.
  const byKill = self || (denied ? null : true);
  if (!isLinux || !procIsOurs()) return { alive: byKill, startMs: null };
  // One read has the state (zombies), exit_signal (thread ids) and the start time.
  let stat: string;
  try {
    stat = readProcHead(`/proc/${pid}/stat`);
  } catch (err) {
    // No entry in a /proc that is ours: the PID is gone (it died after kill()).
    // Under hidepid=2 another user's live process is invisible, which kill()'s
    // EPERM gives away. Any other failure proves nothing.
    const gone = (err as NodeJS.ErrnoException).code === 'ENOENT' && !denied;
    return { alive: self || (gone ? false : null), startMs: null };
  }
  // The command name may contain spaces and ')'; fields are counted after the last ')'.
  // Field 3 (state) follows it; 22 (starttime) and 38 (exit_signal) are found by
  // walking the spaces, without splitting the line into 36 strings per probe.
  const at3 = stat.lastIndexOf(')') + 2;
  const at22 = fieldAt(stat, at3, 19);
  const at38 = fieldAt(stat, at22, 16);
  const ticks = fieldNumber(stat, at22);
  const exitSignal = fieldNumber(stat, at38);
  if (at3 < 2 || !Number.isFinite(ticks) || !Number.isFinite(exitSignal)) {
    return { alive: self || null, startMs: null };
  }
  const epoch = bootEpochMs();
  const startMs = epoch === null ? null : epoch + (ticks * 1000) / CLOCK_TICKS;
  const state = stat[at3];
  // exit_signal -1: see the why in native/liveness_linux.cc (a thread of another process).
  const alive = self ? true : state === 'Z' || state === 'X' || exitSignal === -1 ? false : byKill;
  return { alive, startMs };
}

/** Where the field `n` fields after the one at `from` starts in a /proc stat line; -1: the line ends first. */
function fieldAt(line: string, from: number, n: number): number {
  let at = from;
  for (let i = 0; i < n && at >= 0; i++) {
    at = line.indexOf(' ', at);
    if (at >= 0) at++;
  }
  return at;
}

/** The number in the field at `at` (NaN for -1). */
function fieldNumber(line: string, at: number): number {
  if (at < 0) return NaN;
  const end = line.indexOf(' ', at);
  return Number(line.slice(at, end < 0 ? line.length : end));
}

/**
 * Writes the whole content to a private temp file and link()s it into place:
 * the lock is never visible empty or half-written, and link() never replaces
 * an existing name, so EEXIST is the one "taken" answer. The descriptor stays
 * open while the lock is held: it pins the inode, so no later file can reuse
 * its number and pass remove()'s dev/ino check.
 */
function publish(path: string, content: string): Held {
  const tmp = tmpPath(path);
  const fd = fs.openSync(tmp, CREATE_FLAGS, 0o644);
  let ok = false;
  let noLinks = false;
  try {
    const st = writeContent(fd, content, tmp);
    try {
      fs.linkSync(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      noLinks = NO_HARD_LINKS.includes(code);
      if (code !== 'EEXIST' || !namesInode(path, st)) throw err;
    }
    ok = true;
    return { handle: fd, dev: st.dev, ino: st.ino };
  } catch (err) {
    if (!noLinks) throw err;
  } finally {
    if (!ok) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Already gone is fine; anything else leaves litter that the next break collects.
    }
  }
  return publishInPlace(path, content);
}

/**
 * After EEXIST from link(): whether `path` names our inode all the same. Over
 * NFS a LINK whose reply was lost is sent again, and the retransmission fails
 * with EEXIST against the name the first one created; our descriptor pins the
 * inode, so no other file can carry its number.
 */
function namesInode(path: string, ours: fs.BigIntStats): boolean {
  try {
    const st = fs.lstatSync(path, { bigint: true });
    return st.dev === ours.dev && st.ino === ours.ino;
  } catch {
    return false;
  }
}

/** link() errors that mean "this filesystem has no hard links" (FAT, exFAT, some FUSE mounts). */
const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV'];

function writeContent(fd: number, content: string, file: string): fs.BigIntStats {
  if (fs.writeSync(fd, content) !== Buffer.byteLength(content)) {
    throw Object.assign(new Error(`ENOSPC: short write '${file}'`), { code: 'ENOSPC', syscall: 'write' });
  }
  return fs.fstatSync(fd, { bigint: true });
}

/**
 * Without hard links the lock path itself is created exclusively and written.
 * It is empty for the moment before the write; judges read an empty lock as a
 * writer at work for the invalid-content grace period.
 */
function publishInPlace(path: string, content: string): Held {
  const fd = fs.openSync(path, CREATE_FLAGS, 0o644);
  try {
    const st = writeContent(fd, content, path);
    return { handle: fd, dev: st.dev, ino: st.ino };
  } catch (err) {
    fs.closeSync(fd);
    try {
      fs.unlinkSync(path); // ours, and nobody breaks a young empty lock
    } catch {
      // Left behind, it reads as an abandoned write and is broken after the grace period.
    }
    throw err;
  }
}

/**
 * On POSIX the descriptor is closed last, so a judge that opens the path before
 * the unlink still finds it held. On Windows the name of a file that is open
 * stays "delete pending" and blocks a racer's create until the close, so the
 * close comes first there; the handle is marked closed in `held`, so a retry
 * after a failed unlink does not close it twice.
 */
function remove(path: string, held: Held): Removed {
  if (isWindows && held.handle >= 0) {
    fs.closeSync(held.handle);
    held.handle = -1;
  }
  let how: Removed;
  try {
    const st = fs.lstatSync(path, { bigint: true });
    if (st.dev !== held.dev || st.ino !== held.ino) how = 'replaced';
    else {
      fs.unlinkSync(path);
      how = 'removed';
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    how = 'vanished';
  }
  if (held.handle >= 0) fs.closeSync(held.handle);
  return how;
}

/**
 * A lock path that is not a file is reported by what it is, not by how open()
 * refused it (why: native/lockfile_posix.cc FailOpen). macOS refuses a socket
 * with EOPNOTSUPP, which Node names UNKNOWN; any system says EACCES first when
 * this user may not open it.
 */
function openFailure(path: string, err: unknown): unknown {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(path);
  } catch {
    return err;
  }
  const code = st.isSocket() ? 'ENXIO' : st.isFIFO() || st.isCharacterDevice() || st.isBlockDevice() ? 'EINVAL' : null;
  if (code === null) return err;
  return Object.assign(new Error(`${code}: not a regular file, open '${path}'`), { code, syscall: 'open', path });
}

function inspect(path: string): FileState | null {
  let fd: number;
  try {
    fd = fs.openSync(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw openFailure(path, err);
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    let head = Buffer.alloc(0);
    if (type === 'file') {
      // From the pool, unfilled: only the bytes read are kept.
      head = Buffer.allocUnsafe(MAX_CONTENT);
      head = head.subarray(0, fs.readSync(fd, head, 0, MAX_CONTENT, 0));
    }
    return {
      type,
      dev: st.dev,
      ino: st.ino,
      size: Number(st.size),
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      head,
      kernelHeld: null,
    };
  } finally {
    fs.closeSync(fd);
  }
}

export const jsBackend: Backend = {
  name: 'js',
  probe,
  publish,
  inspect,
  remove,
  close(held) {
    if (held.handle >= 0) fs.closeSync(held.handle);
    held.handle = -1;
  },
  unlink,
  list,
  touch(held) {
    const now = new Date();
    fs.futimesSync(held.handle, now, now);
  },
  // Its descriptor carries no kernel lock: handing it on would prove nothing.
  descriptor: () => null,
  holdsOpen,
  sameUser,
  watchLock,
  // Holders of the native backend, `flock -n` and a killed `pidlock run`'s command hold kernel locks.
  kernelHeld: isLinux ? kernelHeldByProcLocks : undefined,
};
