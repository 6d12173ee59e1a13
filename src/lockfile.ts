import { MAX_CONTENT } from './backend/format';
import { MAX_PID } from './pid';

// The lock file's content: written, parsed, and read by the public reader.

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
