import type { Backend } from './backend/types';
import { PidLockError } from './errors';
import { observation, type Observation } from './staleness';

/**
 * Reads a lock path once. Missing: null. A path that is not a regular file, or
 * that cannot be read, makes every decision impossible: PidLockError.
 */
export function observe(backend: Backend, path: string): Observation | null {
  let st;
  try {
    st = backend.inspect(path);
  } catch (err) {
    throw PidLockError.from(err, 'open', path);
  }
  if (st === null) return null;
  if (st.type === 'dir') throw new PidLockError('EISDIR', 'open', path);
  if (st.type !== 'file') throw new PidLockError('EINVAL', 'open', path, 'not a regular file');
  return observation(st);
}
