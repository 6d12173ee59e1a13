// Which backend this process uses: the native addon unless PIDLOCK_NO_NATIVE
// says otherwise or it fails to load, then the pure-JS one; PIDLOCK_REQUIRE_NATIVE
// turns that fallback into an error (requireFailure).
import { askBackend } from './fsinfo';
import { jsBackend } from './js';
import { loadNativeBackend } from './native';
import type { Backend } from './types';

/** A flag variable: set, and not '', '0' or 'false'. */
function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const v = env[name];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * Deno without --allow-env throws on every env read: importing the package must not.
 * No environment then reads as "no variables set".
 */
function readEnv(): NodeJS.ProcessEnv {
  try {
    const { PIDLOCK_NO_NATIVE, PIDLOCK_REQUIRE_NATIVE, PIDLOCK_NATIVE_PATH, PREBUILDS_ONLY } = process.env;
    return { PIDLOCK_NO_NATIVE, PIDLOCK_REQUIRE_NATIVE, PIDLOCK_NATIVE_PATH, PREBUILDS_ONLY };
  } catch {
    return {};
  }
}

function select(): { backend: Backend; loadError?: Error } {
  const env = readEnv();
  if (flag(env, 'PIDLOCK_NO_NATIVE')) {
    if (flag(env, 'PIDLOCK_REQUIRE_NATIVE')) throw requireFailure(new Error('PIDLOCK_NO_NATIVE is set'));
    return { backend: jsBackend };
  }
  try {
    return { backend: loadNativeBackend(env) };
  } catch (err) {
    const loadError = err instanceof Error ? err : new Error(String(err));
    // Those who chose this package for native liveness (Windows) ask not to be downgraded silently.
    if (flag(env, 'PIDLOCK_REQUIRE_NATIVE')) throw requireFailure(loadError);
    // Any failure at all (no build, a corrupt or foreign binary) means the JS path.
    return { backend: jsBackend, loadError };
  }
}

/** The error for "native required, not available": the load error's text, which carries the fix. */
export function requireFailure(loadError: Error | undefined): Error & { code: string } {
  const err = new Error(
    `pidlock-native: the native backend is required (PIDLOCK_REQUIRE_NATIVE or requireNative()) but is not active: ` +
      (loadError ? loadError.message : 'unknown reason'),
    loadError ? { cause: loadError } : undefined,
  ) as Error & { code: string };
  err.code = 'PIDLOCK_NATIVE_REQUIRED';
  return err;
}

export const selected = select();
askBackend(selected.backend);
