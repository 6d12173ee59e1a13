/**
 * pidlock-native's public API. Where things are:
 *
 *   index.ts            this list of exports. The CLI's commands use these, and two
 *                       internals no library user needs: wait.ts MAX_TIMER_MS (the
 *                       longest Node timer, which bounds --wait and --lease) and
 *                       pidlock.ts kernelLockDescriptor (the held lock's descriptor,
 *                       which `pidlock run` hands to its command)
 *   api.ts              isProcessAlive, getProcessStartTime, removeStaleLock, lockStatus, readLockFilePid
 *   pidlock.ts          PidLock: tryAcquire / acquire / release, the lock algorithm
 *   with-lock.ts        withLock / withLockSync: acquire, run a function, release
 *   assess.ts           "read the lock, then judge it", once: read(), assess()
 *   rules.ts            judge(): the stale rules, a pure function of plain facts
 *   breaking.ts         the election that removes a stale lock, and litter collection
 *   sidefiles.ts        names of temp files and break ballots, and the lock id a ballot carries
 *   names.ts            file name lengths (bytes or UTF-16) and the name-length rule
 *   wake.ts             what a waiter waits on (the owner's exit, the lock file, a timer) and how long;
 *                       wake-async.ts acquire()'s waits on the event loop, wake-sync.ts
 *                       acquireSync()'s, which block the thread; sync-wait.ts what such a
 *                       blocked thread is owed (signals, no waiting for itself)
 *   registry.ts         the locks this process holds, and the release-on-exit hook
 *   lockfile.ts         the content "<PID>\n" (+ the marker line): format, parse, the 64-byte limit
 *   domain.ts           where a PID means something (boot + PID namespace), what a marker says
 *   paths.ts            lock options -> path, and the default lock directory (the OS choice here)
 *   pid.ts              the PID range and its check
 *   errors.ts, wait.ts  PidLockError and its advice; wait options and AbortError
 *   singleton.ts        the original design's SingletonInstanceMixin
 *   single-instance/    requestSingleInstance (endpoint.ts: socket or pipe, the OS choice there)
 *   cli/, cli.ts        the `pidlock` command (cli/signals.ts: which signals, the OS choice there)
 *   backend/            everything that asks the OS: types.ts the verbs (publish, inspect,
 *                       remove, close, touch, unlink, list, probe, holdsOpen, watchLock); js.ts and
 *                       native.ts (+ addon.ts the loader, entries.ts the names beside a lock,
 *                       watch.ts the lock's watch) implement them; syserror.ts platform errors as Node codes,
 *                       procfs.ts /proc (liveness refinements, open-file proof,
 *                       boot id and PID namespace, /proc/locks), watch.ts fs.watch on a lock, fsinfo.ts shared filesystems
 *                       (statfs here, the backend's dirKind on macOS and Windows), host.ts
 *                       host name and boot time
 *   internal.ts         the repo's one way into internals (dist/internal.js), never shipped
 *
 * The native addon is native/: addon.cc the glue, platform.h the narrow questions,
 * one file per OS for liveness and for the lock file.
 */
import { selected } from './backend';
import { requireFailure } from './backend/addon';

/** Which implementation is active: the C++ addon, or the pure-JS fallback. */
export const backend: 'native' | 'js' = selected.backend.name;
/** Why the addon did not load, when the JS path was chosen for that reason. */
export const loadError: Error | undefined = selected.loadError;

/**
 * Throws unless the native backend is active: the programmatic PIDLOCK_REQUIRE_NATIVE=1.
 * The error (code PIDLOCK_NATIVE_REQUIRED) carries the load error and the fix.
 */
export function requireNative(): void {
  if (backend !== 'native') throw requireFailure(loadError);
}

export {
  isProcessAlive,
  getProcessStartTime,
  removeStaleLock,
  lockStatus,
  readLockFilePid,
  type LockStatus,
  type RemoveStaleOptions,
} from './api';
export { lockFilePath, type LockOptions, type LockOriginOptions, type LockPathOptions } from './paths';
export { PidLock, type PidLockOptions, type LockOwner } from './pidlock';
export { withLock, withLockSync, LockBusyError } from './with-lock';
export { PidLockError, type AdviceWords, type WarningHandler } from './errors';
export { AbortError, type WaitOptions } from './wait';
export { SingletonInstanceMixin, SingletonInstance } from './singleton';
export {
  requestSingleInstance,
  PrimaryInstance,
  SingleInstanceError,
  type SecondaryInstance,
  type SingleInstanceOptions,
  type SecondInstanceMessage,
  type SecondInstanceHandler,
  type SingleInstanceErrorCode,
} from './single-instance';
