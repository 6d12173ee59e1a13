import type * as SignalExit from 'signal-exit';

/**
 * The locks this module instance holds, by file identity. It answers "does this
 * process hold that file?" for the own-PID rule, and releases everything on exit
 * and on SIGINT/SIGTERM/SIGHUP (signal-exit re-raises the signal afterwards, so
 * the process ends as it would have).
 */
interface Releasable {
  release(): boolean;
}

const holders = new Map<string, Releasable>();
let hooked = false;

export function fileKey(dev: bigint, ino: bigint): string {
  return `${dev}:${ino}`;
}

export function register(key: string, lock: Releasable): void {
  holders.set(key, lock);
  installExitHook();
}

/**
 * Installed once and kept: installing and removing the signal handlers on every
 * acquire/release would cost more than the lock itself. Waiters install it at
 * their first refusal, so that its 2-3 ms are not paid in the takeover that
 * follows a holder's death.
 */
export function installExitHook(): void {
  if (!hooked) {
    hooked = true;
    // Loaded with the first lock or wait, not with the package.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { onExit } = require('signal-exit') as typeof SignalExit;
    onExit(() => {
      for (const lock of [...holders.values()]) {
        try {
          lock.release();
        } catch {
          // Exiting anyway: a lock we cannot delete is stale once we are gone.
        }
      }
    });
  }
}

export function unregister(key: string): void {
  holders.delete(key);
}

export function isHeldHere(key: string): boolean {
  return holders.has(key);
}
