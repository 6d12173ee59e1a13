import { requireFailure, selected } from './backend';

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

export { isProcessAlive, getProcessStartTime, removeStaleLock, lockStatus, type LockStatus } from './api';
export { lockFilePath, type LockOptions, type LockPathOptions } from './paths';
export { readLockFilePid } from './lockfile';
export { PidLock, type PidLockOptions, type LockOwner } from './pidlock';
export { PidLockError } from './errors';
export { AbortError, type WaitOptions } from './wait';
export { SingletonInstanceMixin, SingletonInstance } from './singleton';
export { requestSingleInstance, PrimaryInstance, SingleInstanceError, type SecondaryInstance, type SingleInstanceOptions, type SecondInstanceMessage, type SecondInstanceHandler, type SingleInstanceErrorCode } from './single-instance';
