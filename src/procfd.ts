import fs = require('node:fs');
import { procIsOurs } from './backend/procfs';

/**
 * Whether process `pid` has the file (dev, ino) open, read from /proc/<pid>/fd.
 * Holders of both backends keep their lock file open for as long as they hold
 * it, so this is positive proof of ownership that needs no clock. It guards the
 * start-time rule, which converts Linux's boot-clock start times to wall time:
 * after the wall clock steps forward, a live holder would look like a reused PID.
 * For our own PID it tells whether any thread of ours holds it.
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
