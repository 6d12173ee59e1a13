import { onExit } from './exit-hook';

/**
 * The locks this module instance holds, by file identity. It answers "does this
 * process hold that file?" for the own-PID rule, and releases everything on exit
 * and on SIGINT/SIGTERM/SIGHUP (src/exit-hook.ts raises the signal again
 * afterwards, so the process ends as it would have).
 */
interface Releasable {
  release(): boolean;
  /** Looks at the file: false (and a notification) once the path no longer names the held file. */
  readonly held: boolean;
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
 * their first refusal, so that its cost (about 0.2 ms: Node's first signal
 * handles) is not paid in the takeover that follows a holder's death. A thread
 * blocked in acquireSync() cannot run these listeners: src/sync-wait.ts.
 */
export function installExitHook(): void {
  if (!hooked) {
    hooked = true;
    // Its 'exit' listener also serves Bun, which ends a process whose event loop
    // empties without running other exit paths (oven-sh/bun#12918) but does emit 'exit'.
    onExit(releaseAll);
    // Deno ends on an uncaught exception without 'exit'; its global 'error' event
    // still fires first (and, without preventDefault, the process dies as before).
    if ('Deno' in globalThis) {
      const g = globalThis as unknown as { addEventListener(type: string, fn: () => void): void };
      g.addEventListener('error', releaseAll);
      g.addEventListener('unhandledrejection', releaseAll);
    }
  }
}

export function releaseAll(): void {
  for (const lock of [...holders.values()]) {
    try {
      lock.release();
    } catch {
      // Exiting anyway: a lock we cannot delete is stale once we are gone.
    }
  }
}

export function unregister(key: string): void {
  holders.delete(key);
}

export function holdsAny(): boolean {
  return holders.size > 0;
}

export function isHeldHere(key: string): boolean {
  return holders.has(key);
}

/** What src/compromise.ts looks at. */
export function heldLocks(): Releasable[] {
  return [...holders.values()];
}
