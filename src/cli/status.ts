// `pidlock status`: the lock's state as text or --json, with LSB exit codes.
import fs = require('node:fs');
import path = require('node:path');
import { lockStatus, PidLockError, type LockStatus } from '../index';
import { STATUS_EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockPathFrom, parse } from './options';
import { aliveColour, aliveWord, json, out, paint } from './output';

const STATE_COLOUR = { held: 'green', stale: 'yellow', free: 'dim' } as const;

function printReport(r: LockStatus): void {
  const o = process.stdout;
  out(`path:   ${r.path}`);
  out(`state:  ${paint(o, STATE_COLOUR[r.state], r.state)}`);
  out(`pid:    ${r.pid ?? '-'}`);
  out(`alive:  ${r.pid === null ? '-' : paint(o, aliveColour(r.alive), aliveWord(r.alive))}`);
  out(`stale:  ${r.stale}`);
  out(`reason: ${r.reason}`);
  if (r.origin !== null) out(`origin: ${r.origin}${r.host === null ? '' : ` (host ${r.host})`}`);
}

export function status(args: string[]): number {
  const { values } = parse('status', { args, options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS } });
  const lockPath = lockPathFrom(values);
  const report = lockStatus({ path: lockPath, singleHost: values['single-host'] === true });
  if (report.state === 'free') directoryMustExist(lockPath);
  if (values.json) json(report);
  else printReport(report);
  if (report.state === 'free') return STATUS_EXIT.FREE;
  if (report.state === 'stale') return STATUS_EXIT.STALE;
  // Held by a process that cannot be checked (another user's, under hidepid):
  // the lock stands, but whether its holder runs is unknown.
  return report.alive === true ? STATUS_EXIT.HELD : STATUS_EXIT.UNKNOWN;
}

/** "No lock file" in a directory that does not exist is a typo or a missing mount, not a free lock. */
function directoryMustExist(lockPath: string): void {
  const dir = path.dirname(lockPath);
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw PidLockError.from(e, 'read', lockPath);
  }
  if (!st.isDirectory()) throw new PidLockError('ENOTDIR', 'read', lockPath);
}
