import { jsBackend } from './js';
import { loadNativeBackend } from './native';
import type { Backend } from './types';

function forcedJs(): boolean {
  const v = process.env.PIDLOCK_NO_NATIVE;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function select(): { backend: Backend; loadError?: Error } {
  if (forcedJs()) return { backend: jsBackend };
  try {
    return { backend: loadNativeBackend() };
  } catch (err) {
    // Any failure at all (no build, a corrupt or foreign binary) means the JS path.
    return { backend: jsBackend, loadError: err instanceof Error ? err : new Error(String(err)) };
  }
}

export const selected = select();
export type { Backend, FileState, Held, Removed } from './types';
export { jsBackend };
