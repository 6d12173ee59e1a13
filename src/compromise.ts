// The watchdog of held locks: notices a lock file deleted or replaced behind
// its holder's back and tells the holder (onCompromised).
import timers = require('node:timers');
import { heldLocks } from './registry';

/**
 * How often a holder looks at its own lock files. A lock deleted behind its
 * back (rm, a temp cleaner, a foreign tool) lets another process take it; the
 * holder learns of it within this period plus one look, without calling
 * anything. Each look is one open + fstat + read of at most 64 bytes per held
 * lock, so even many locks cost nothing measurable.
 */
export const WATCH_INTERVAL_MS = 2000;

// node:timers, not the global: under Deno the global setInterval returns a
// number that cannot be unref'd, and this timer must never keep a process alive.
let timer: ReturnType<typeof timers.setInterval> | null = null;

let starting = false;

/**
 * Starts the process-wide watchdog if it is not running; it stops by itself
 * once nothing is held. Started on the next tick, after the caller has its
 * lock: a first lock would otherwise pay for Node's first interval timer
 * (0.3-0.6 ms cold, below) before it returns, and the first look is seconds away anyway.
 */
export function watchHeld(): void {
  if (timer !== null || starting) return;
  starting = true;
  process.nextTick(watchHeldNow);
}

/**
 * Starts it now: a process's first wait (src/rehearsal.ts), where Node's first
 * interval timer is off the hand-off's path. An acquireSync() cannot run a
 * tick until it returns, so the one its takeover deferred would run first
 * thing after, 0.3-0.6 ms cold, ahead of the caller's promise continuations.
 */
export function watchHeldNow(): void {
  starting = false;
  if (timer !== null) return;
  timer = timers.setInterval(lookAtAll, WATCH_INTERVAL_MS);
  timer.unref();
}

function lookAtAll(): void {
  const locks = heldLocks();
  if (locks.length === 0) {
    if (timer !== null) timers.clearInterval(timer);
    timer = null;
    return;
  }
  // Each lock's `held` getter looks and, on a loss, notifies (deferred, so
  // that a throwing callback cannot skip the locks after it).
  for (const lock of locks) void lock.held;
}
