import type { Marker } from './domain';
import { MAX_PID } from './pid';

/**
 * The lock file's format, in one place: `PID\n`, or `PID\n` and a marker line
 * saying where it was written; how much of a file is ever read (MAX_CONTENT,
 * for both backends and the size rule), writing it, and parsing it (also for
 * the public reader). Ballots carry the same content.
 */

/**
 * More than any "PID\n" with tolerated whitespace, and all of a file that is
 * ever read. A larger file is not a lock pidlock or a half-finished write could
 * have left (see judge() in src/rules.ts), so it is never deleted. The native
 * backend reads as many bytes (native/platform.h kHeadBytes); native.ts refuses
 * an addon that reads another number.
 */
export const MAX_CONTENT = 64;

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

const MARKER_LINE = /^@([0-9a-f]{12}\.[0-9a-f]{8})( K)?(?: L([1-9][0-9]{0,8}))? ([\x21-\x7e]*)$/;

/**
 * The marker on the second line of a lock of `size` bytes whose first bytes are
 * `head`; null when there is none (a plain `PID\n`, another tool's pidfile).
 * A file larger than any lock has none: it is not ours to interpret.
 */
export function parseMarker(head: Buffer, size: number): Marker | null {
  if (size > MAX_CONTENT || head.length < size) return null;
  // Most locks are a bare PID: no '@' after the first newline, no string work.
  const nl = head.indexOf(10);
  if (nl < 0 || head[nl + 1] !== 0x40) return null;
  const lines = head.toString('latin1', 0, size).split('\n');
  // Exactly "PID\n@marker\n": anything after the marker means someone else's format.
  if (lines.length !== 3 || lines[2] !== '') return null;
  const m = MARKER_LINE.exec(lines[1]);
  if (!m) return null;
  return { tag: m[1], kernel: m[2] !== undefined, leaseSec: m[3] === undefined ? null : Number(m[3]), host: m[4] };
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
