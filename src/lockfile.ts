import fs = require('node:fs');
import { MAX_PID } from './pid';

/** More than any "PID\n" with tolerated whitespace; larger files are invalid, never read whole. */
export const MAX_CONTENT = 64;

export function formatPid(pid: number): string {
  return `${pid}\n`;
}

const WHITESPACE = /^[ \t\r\n]*([0-9]+)[ \t\r\n]*$/;

/** Parses lock content; anything but one decimal PID with optional surrounding whitespace is null. */
export function parsePid(bytes: Buffer, size: number): number | null {
  if (size > MAX_CONTENT || bytes.length === 0) return null;
  const m = WHITESPACE.exec(bytes.toString('latin1'));
  if (!m || m[1].length > 10 || m[1][0] === '0') return null;
  const pid = Number(m[1]);
  return pid >= 1 && pid <= MAX_PID ? pid : null;
}

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/** Opens for reading without following a final symlink or blocking on a FIFO. */
export const READ_FLAGS = fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK;

/** The public reader: at most MAX_CONTENT bytes, every failure is { pid: null, success: false }. */
export function readLockFilePid(path: string): { pid: number | null; success: boolean } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(path, READ_FLAGS);
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { pid: null, success: false };
    const buf = Buffer.alloc(MAX_CONTENT);
    const n = fs.readSync(fd, buf, 0, MAX_CONTENT, 0);
    const pid = parsePid(buf.subarray(0, n), st.size);
    return pid === null ? { pid: null, success: false } : { pid, success: true };
  } catch {
    return { pid: null, success: false };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
