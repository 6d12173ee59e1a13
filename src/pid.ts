// The PID range every entry point accepts, and its check.
import { invalidArg } from './errors';

/** Windows PIDs are DWORDs; no OS uses a larger one. */
export const MAX_PID = 4294967295;

/**
 * Accepts only real integers in 1..MAX_PID. `process.kill` coerces "123", true
 * and [] and treats 0 or negatives as process groups; a lock must never do that.
 */
export function checkPid(pid: unknown): number {
  if (typeof pid !== 'number') {
    throw invalidArg(`pid must be a number, received ${typeof pid}`, 'ERR_INVALID_ARG_TYPE', TypeError);
  }
  if (!Number.isInteger(pid)) {
    throw invalidArg(`pid must be an integer, received ${pid}`, 'ERR_OUT_OF_RANGE', RangeError);
  }
  if (pid <= 0 || pid > MAX_PID) {
    throw invalidArg(`pid must be >= 1 and <= ${MAX_PID}, received ${pid}`, 'ERR_OUT_OF_RANGE', RangeError);
  }
  return pid;
}
