/**
 * Runs a cleanup when the process ends: on 'exit', and on SIGINT, SIGTERM and
 * SIGHUP, after which the signal is raised again with its default action, so
 * that the process ends with the status the signal would have given it. When
 * the app has its own listener for the signal, the app decides: nothing runs
 * here, and the cleanup waits for 'exit' (if the app exits at all).
 *
 * No dependency on purpose: a bundle that keeps a runtime dependency external
 * (Vite's `ssr.noExternal` leaves the package's own dependencies out) fails to
 * load once moved without it.
 */

export const HOOKED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Marks every copy's listeners (two bundles may each carry this package), so
 * that copies do not take each other for the app's listeners, which would leave
 * the signal with nobody to act on it.
 */
const OURS = Symbol.for('pidlock-native.exit-hook');

type Listener = ((signal: NodeJS.Signals) => void) & { [OURS]?: true };

let cleanup: (() => void) | null = null;
const listeners = new Map<NodeJS.Signals, Listener>();
/** Listeners taken off for a blocking wait (see suspendSignalHooks). */
const suspended = new Set<NodeJS.Signals>();

/** Whether every listener for `signal` is one of ours (any copy), so no app code wants it. */
export function onlyOurs(signal: NodeJS.Signals): boolean {
  return process.listeners(signal).every((l) => (l as Listener)[OURS] === true);
}

/**
 * Runs the cleanup and ends the process by `signal`'s default action, as if
 * nothing had caught it. Windows cannot raise SIGHUP on itself (the console is
 * closing anyway), so it is ended with SIGINT's default there.
 */
export function dieBySignal(signal: NodeJS.Signals): void {
  runCleanup();
  for (const [name, l] of listeners) process.off(name, l);
  listeners.clear();
  suspended.clear();
  process.kill(process.pid, process.platform === 'win32' && signal === 'SIGHUP' ? 'SIGINT' : signal);
}

function runCleanup(): void {
  const fn = cleanup;
  if (fn !== null) fn();
}

/** Installs the hooks once; later calls do nothing. */
export function onExit(fn: () => void): void {
  if (cleanup !== null) return;
  cleanup = fn;
  process.once('exit', runCleanup);
  for (const signal of HOOKED_SIGNALS) {
    const l: Listener = () => {
      // Another listener (the app's) decides whether this ends the process.
      if (onlyOurs(signal)) dieBySignal(signal);
    };
    l[OURS] = true;
    if (listen(signal, l)) listeners.set(signal, l);
  }
}

/** Some runtimes refuse some signals (Deno on Windows takes only SIGINT and SIGBREAK). */
function listen(signal: NodeJS.Signals, l: Listener): boolean {
  try {
    process.on(signal, l);
    return true;
  } catch {
    return false;
  }
}

/**
 * For a wait that blocks the thread and so cannot run any listener: takes ours
 * off each signal where they are the only listeners, so that the signal's
 * default action ends the process at once, as it would without this package.
 * Locks held then stay on disk, naming a dead PID: stale, and taken over.
 * Returns the function that puts them back.
 */
export function suspendSignalHooks(): () => void {
  const taken: NodeJS.Signals[] = [];
  for (const [signal, l] of listeners) {
    if (suspended.has(signal) || !onlyOurs(signal)) continue;
    process.off(signal, l);
    suspended.add(signal);
    taken.push(signal);
  }
  return () => {
    for (const signal of taken) {
      const l = listeners.get(signal);
      if (suspended.delete(signal) && l !== undefined) listen(signal, l);
    }
  };
}
