import fs = require('node:fs');
import { MAX_PID } from './pid';

/**
 * More than any "PID\n" with tolerated whitespace, and all of a file that is
 * ever read. A larger file is not a lock pidlock or a half-finished write could
 * have left (see judge() in staleness.ts), so it is never deleted. The native
 * backend reads as many bytes (native/platform.h kHeadBytes); src/backend/native.ts
 * refuses an addon that reads another number.
 */
export const MAX_CONTENT = 64;

export function formatPid(pid: number): string {
  return `${pid}\n`;
}

const WHITESPACE = /^[ \t\r\n]*([0-9]+)[ \t\r\n]*$/;
const FIRST_LINE = /^[ \t\r\n]*([0-9]+)[ \t\r]*(?:\n|$)/;

function pidOf(digits: string): number | null {
  if (digits.length > 10 || digits[0] === '0') return null;
  const pid = Number(digits);
  return pid >= 1 && pid <= MAX_PID ? pid : null;
}

/** Parses lock content; anything but one decimal PID with optional surrounding whitespace is null. */
export function parsePid(bytes: Buffer, size: number): number | null {
  if (size > MAX_CONTENT || bytes.length === 0) return null;
  const m = WHITESPACE.exec(bytes.toString('latin1'));
  return m ? pidOf(m[1]) : null;
}

/**
 * The PID on the first line of a file whose first `head.length` of `size` bytes
 * are `head`, whatever follows it: a multi-line pidfile (PostgreSQL writes its
 * data directory and port after the PID) names its owner there too.
 */
export function firstLinePid(head: Buffer, size: number): number | null {
  const text = head.toString('latin1');
  const m = FIRST_LINE.exec(text);
  if (!m) return null;
  // A line that runs to the end of a cut-off head may go on with more digits or text.
  if (m[0].length === text.length && !text.endsWith('\n') && size > head.length) return null;
  return pidOf(m[1]);
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
