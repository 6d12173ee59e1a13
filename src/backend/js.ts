import * as fs from 'node:fs';
import { MAX_CONTENT, READ_FLAGS } from '../lockfile';
import type { Backend, FileState, Held, Removed } from './types';

const isLinux = process.platform === 'linux';
const isWindows = process.platform === 'win32';
const CREATE_FLAGS =
  fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0);

/** USER_HZ: the unit of /proc/<pid>/stat starttime, 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS = 100;

function readProc(file: string): string | null {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return null;
  }
}

/** /proc/<pid>/status tells zombies and other processes' thread ids from processes. */
function linuxStatus(pid: number): 'gone' | 'dead' | 'process' {
  const status = readProc(`/proc/${pid}/status`);
  if (status === null) return 'gone';
  const state = /\nState:\s*(\S)/.exec(status)?.[1];
  if (state === 'Z' || state === 'X') return 'dead';
  const tgid = /\nTgid:\s*(\d+)/.exec(status)?.[1];
  return tgid !== undefined && Number(tgid) !== pid ? 'dead' : 'process';
}

function isProcessAlive(pid: number): boolean | null {
  if (pid > 0x7fffffff) {
    // process.kill() cannot take it; on POSIX no pid_t can name it.
    return isWindows ? null : false;
  }
  let denied = false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code !== 'EPERM') return null;
    denied = true;
  }
  if (isLinux) {
    const s = linuxStatus(pid);
    if (s === 'dead') return false;
    // Under hidepid=2 another user's live process is invisible in /proc.
    if (s === 'gone') return denied ? null : false;
  }
  return denied ? null : true;
}

function getProcessStartTime(pid: number): number | null {
  if (!isLinux) return null;
  const stat = readProc(`/proc/${pid}/stat`);
  const uptime = readProc('/proc/uptime');
  if (stat === null || uptime === null) return null;
  // The command name may contain spaces and ')'; field 22 is the 20th after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  const up = Number(uptime.split(' ')[0]);
  if (!Number.isFinite(ticks) || !Number.isFinite(up)) return null;
  // Both count on the boot clock, so this is good to a tick, unlike /proc/stat's whole-second btime.
  return Date.now() - (up * 1000 - (ticks * 1000) / CLOCK_TICKS);
}

/**
 * Writes the whole content to a private temp file and link()s it into place:
 * the lock is never visible empty or half-written, and link() never replaces
 * an existing name, so EEXIST is the one "taken" answer. The descriptor stays
 * open while the lock is held: it pins the inode, so no later file can reuse
 * its number and pass remove()'s dev/ino check.
 */
function publish(path: string, tmp: string, content: string): Held {
  const fd = fs.openSync(tmp, CREATE_FLAGS, 0o644);
  let ok = false;
  let noLinks = false;
  try {
    const st = writeContent(fd, content, tmp);
    try {
      fs.linkSync(tmp, path);
    } catch (err) {
      noLinks = NO_HARD_LINKS.includes((err as NodeJS.ErrnoException).code ?? '');
      throw err;
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

function inspect(path: string): FileState | null {
  let fd: number;
  try {
    fd = fs.openSync(path, READ_FLAGS);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    let head = Buffer.alloc(0);
    if (type === 'file') {
      head = Buffer.alloc(MAX_CONTENT);
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
  isProcessAlive,
  getProcessStartTime,
  publish,
  inspect,
  remove,
  close(handle) {
    if (handle >= 0) fs.closeSync(handle);
  },
};
