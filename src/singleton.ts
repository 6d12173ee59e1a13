// SingletonInstanceMixin and SingletonInstance: the original design's app-level
// singleton over PidLock.
import { removeStaleLock } from './api';
import { assess } from './assess';
import { selected } from './backend';
import { checkPort, lockFilePath } from './paths';
import { emitWarning, PidLockError, type WarningHandler } from './errors';
import { PidLock } from './pidlock';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = new (...args: any[]) => object;

/**
 * The app-level singleton of the original design: a policy layer over PidLock
 * that never blocks startup on a lock it cannot write. It warns and carries on.
 */
export function SingletonInstanceMixin<TBase extends Constructor>(Base: TBase) {
  return class SingletonInstanceMixed extends Base {
    /** The lock file is `.<singletonLockName>_lock_<port>.pid`. */
    static singletonLockName = 'pidlock';
    /** An environment variable that, when set to a port, overrides the default port. */
    static singletonPortEnvVar: string | null = null;
    /** The port used when none is passed and the environment variable is unset. */
    static singletonDefaultPort: number | string | undefined = undefined;
    /** A directory instead of the temp directory (with its home-directory fallback). */
    static singletonLockDir: string | undefined = undefined;
    /** Receives warnings; default: process.emitWarning with a PIDLOCK_* code. */
    static onSingletonWarning: WarningHandler | undefined = undefined;

    _lockFile: string | null = null;
    #lock: PidLock | null = null;
    #running = false;

    static resolvePort(port?: number | string): number | string | undefined {
      if (port !== undefined) return port;
      const variable = this.singletonPortEnvVar;
      const fromEnv = variable ? process.env[variable] : undefined;
      if (fromEnv === undefined || fromEnv === '') return this.singletonDefaultPort;
      try {
        checkPort(fromEnv);
        return fromEnv;
      } catch (err) {
        // The environment is the user's, not the app's code: never fail startup over it.
        emitWarning(
          this.onSingletonWarning,
          'PIDLOCK_BAD_PORT',
          `ignoring ${variable}=${JSON.stringify(fromEnv)} (${(err as Error).message}); using the default port`,
        );
        return this.singletonDefaultPort;
      }
    }

    static getLockFilePath(port?: number | string): string {
      return lockFilePath({ name: this.singletonLockName, port: this.resolvePort(port), dir: this.singletonLockDir });
    }

    /** Whether a live instance holds the lock. Removes a stale lock; any error: a warning and false. */
    static isInstanceRunning(port?: number | string): boolean {
      try {
        const file = this.getLockFilePath(port);
        const found = assess(selected.backend, file);
        if (found === null) return false;
        if (!found.verdict.stale) return true;
        removeStaleLock(file, this.onSingletonWarning);
        return false;
      } catch (err) {
        emitWarning(
          this.onSingletonWarning,
          'PIDLOCK_CHECK_FAILED',
          `could not check for a running instance, assuming none: ${(err as Error).message}`,
        );
        return false;
      }
    }

    initSingletonInstanceMixin(): void {
      this._lockFile = null;
      this.#lock = null;
      this.#running = false;
    }

    getLockFilePath(port?: number | string): string {
      return this.#statics().getLockFilePath(port);
    }

    /**
     * false only when another live instance holds the lock. A lock that cannot
     * be written (permissions, disk full, read-only) is a warning, and true.
     */
    acquireSingletonLock(port?: number | string): boolean {
      if (this.#lock !== null) return true;
      // Looked up when a warning happens, so later changes to the class setting apply.
      const warn = (w: Error & { code: string }) => emitWarning(this.#statics().onSingletonWarning, w.code, w.message);
      try {
        const lock = new PidLock({ path: this.getLockFilePath(port), onWarning: warn });
        if (!lock.tryAcquire()) return false;
        this.#lock = lock;
        this._lockFile = lock.path;
      } catch (err) {
        if (!(err instanceof PidLockError)) throw err;
        emitWarning(this.#statics().onSingletonWarning, 'PIDLOCK_UNAVAILABLE', `running without a singleton lock: ${err.message}`);
      }
      this.#running = true;
      this.markInstanceRunning();
      return true;
    }

    /** Deletes the lock only if this instance holds it; errors are warnings. */
    releaseSingletonLock(): void {
      const lock = this.#lock;
      this.#lock = null;
      this._lockFile = null;
      if (lock !== null) {
        try {
          lock.release();
        } catch (err) {
          emitWarning(
            this.#statics().onSingletonWarning,
            'PIDLOCK_RELEASE_FAILED',
            `could not release the singleton lock: ${(err as Error).message}`,
          );
        }
      }
      if (this.#running) {
        this.#running = false;
        this.markInstanceStopped();
      }
    }

    /** Hook: called once the lock is taken (or skipped fail-open). */
    markInstanceRunning(): void {}

    /** Hook: called after the lock is released. */
    markInstanceStopped(): void {}

    #statics(): typeof SingletonInstanceMixed {
      return this.constructor as typeof SingletonInstanceMixed;
    }
  };
}

/** The mixin over an empty base, for apps that do not need their own base class. */
export class SingletonInstance extends SingletonInstanceMixin(class {}) {}
