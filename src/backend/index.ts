// Which backend this process uses: the native addon unless PIDLOCK_NO_NATIVE
// says otherwise or it fails to load, then the pure-JS one; PIDLOCK_REQUIRE_NATIVE
// turns that fallback into an error (requireFailure).
import { askBackend } from './fsinfo';
import { jsBackend } from './js';
import { loadAddon, requireFailure } from './addon';
import { checkShape, nativeBackend } from './native';
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

export interface Selected {
  backend: Backend;
  /** Why the addon did not load, when the JS backend was chosen for that reason. */
  loadError?: Error;
  /** The .node file the native backend runs on. */
  addonFile?: string;
}

function select(): Selected {
  const env = readEnv();
  if (flag(env, 'PIDLOCK_NO_NATIVE')) {
    if (flag(env, 'PIDLOCK_REQUIRE_NATIVE')) throw requireFailure(new Error('PIDLOCK_NO_NATIVE is set'));
    return { backend: jsBackend };
  }
  try {
    const { addon, file } = loadAddon(env, checkShape);
    return { backend: nativeBackend(addon), addonFile: file };
  } catch (err) {
    const loadError = err instanceof Error ? err : new Error(String(err));
    // Those who chose this package for native liveness (Windows) ask not to be downgraded silently.
    if (flag(env, 'PIDLOCK_REQUIRE_NATIVE')) throw requireFailure(loadError);
    // Any failure at all (no build, a corrupt or foreign binary) means the JS path.
    return { backend: jsBackend, loadError };
  }
}

export const selected = select();
askBackend(selected.backend);
