import { MAX_CONTENT } from './backend/format';
import path = require('node:path');
import { markerFor, parseMarker, type Marker, type Policy } from './domain';
import { MAX_PID } from './pid';

// The lock file's content: written, parsed, and read by the public reader.

/**
 * `PID\n`, and with a marker `PID\n@<tag>[ K][ L<sec>] <host>\n` (see
 * the README, "Where a lock was written: the marker"): the first line stays the bare PID for pidfile
 * readers. The host name is cut (and anything but printable ASCII made '?') so
 * the whole file stays within MAX_CONTENT bytes, which every reader takes as a
 * lock's size limit.
 */
export function formatContent(pid: number, marker: Marker | null): string {
  if (marker === null) return `${pid}\n`;
  const head = `${pid}\n@${marker.tag}${marker.kernel ? ' K' : ''}${marker.leaseSec === null ? '' : ` L${marker.leaseSec}`} `;
  const room = MAX_CONTENT - head.length - 1;
  return `${head}${marker.host.replace(/[^\x21-\x7e]/g, '?').slice(0, Math.max(0, room))}\n`;
}

/** What this process writes into a lock (or ballot) at `lockPath`; `kernelLock`: the backend takes the file's kernel lock. */
export function contentFor(lockPath: string, policy: Policy, kernelLock: boolean): string {
  return formatContent(process.pid, markerFor(path.dirname(lockPath), policy, kernelLock));
}

const WHITESPACE = /^[ \t\r\n]*([0-9]+)[ \t\r\n]*$/;
const FIRST_LINE = /^[ \t\r\n]*([0-9]+)[ \t\r]*(?:\n|$)/;

function pidOf(digits: string): number | null {
  if (digits.length > 10 || digits[0] === '0') return null;
  const pid = Number(digits);
  return pid >= 1 && pid <= MAX_PID ? pid : null;
}

/**
 * Parses lock content: one decimal PID with optional surrounding whitespace, or
 * a PID line followed by a marker line; anything else is null.
 */
export function parsePid(bytes: Buffer, size: number): number | null {
  if (size > MAX_CONTENT || bytes.length === 0) return null;
  const m = WHITESPACE.exec(bytes.toString('latin1'));
  if (m) return pidOf(m[1]);
  return parseMarker(bytes, size) === null ? null : firstLinePid(bytes, size);
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
