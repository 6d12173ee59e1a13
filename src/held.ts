import { onExit } from 'signal-exit';

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
let unhook: (() => void) | null = null;

export function fileKey(dev: bigint, ino: bigint): string {
  return `${dev}:${ino}`;
}

export function register(key: string, lock: Releasable): void {
  holders.set(key, lock);
  if (unhook === null) {
    unhook = onExit(() => {
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
  // With nothing held, leave the process's signal handling exactly as it was.
  if (holders.size === 0 && unhook !== null) {
    unhook();
    unhook = null;
  }
}

export function isHeldHere(key: string): boolean {
  return holders.has(key);
}
