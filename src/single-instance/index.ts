// requestSingleInstance(): take the lock and become the first instance, or send
// this instance's argv and data to the first one and return its reply.
import { lockStatus } from '../api';
import { invalidArg } from '../errors';
import { lockPathOf } from '../paths';
import { PidLock } from '../pidlock';
import { endpointFor, holderUid, isOurs, ownUid } from './endpoint';
import { SingleInstanceError } from './errors';
import { encode } from './framing';
import { PrimaryInstance } from './primary';
import { exchange, Retry } from './secondary';
import type { SecondaryInstance, SecondInstanceHandler, SingleInstanceOptions } from './types';

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_BYTES = 1024 * 1024;
const RETRY_MS = 25;

function positive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArg(
      `${name} must be a finite number > 0, received ${typeof value === 'number' ? value : typeof value}`,
      'ERR_OUT_OF_RANGE',
      RangeError,
    );
  }
  return value;
}

/**
 * Throws ERR_SINGLE_INSTANCE_OTHER_HOST when the lock was written in another
 * PID domain (a lock directory shared with other hosts or containers): a
 * Unix socket or pipe is local to its host, so "no answer" there means
 * "elsewhere", not "not listening yet".
 */
function throwIfElsewhere(lockPath: string): void {
  let status;
  try {
    status = lockStatus(lockPath);
  } catch {
    return; // Unreadable now: the usual retry or timeout reports it.
  }
  if (status.origin !== 'other') return;
  throw new SingleInstanceError(
    'ERR_SINGLE_INSTANCE_OTHER_HOST',
    `the first instance holding '${lockPath}' runs on another host and cannot be reached from here: ${status.reason}`,
    status.pid,
  );
}

/**
 * Electron's requestSingleInstanceLock() and 'second-instance' event for any
 * Node program, with a reply. The first caller gets the lock and a
 * PrimaryInstance; later callers send { argv, cwd, data, pid } to it and get
 * its reply. Rejects with SingleInstanceError when no reply comes (timeout, the
 * handler threw, a message over the size limit, another user's instance).
 */
export async function requestSingleInstance<R = unknown, D = unknown>(
  options: SingleInstanceOptions<R, D>,
): Promise<PrimaryInstance | SecondaryInstance<R>> {
  const lock = new PidLock({ path: lockPathOf(options) });
  const timeout = positive(options.timeout, 'timeout', DEFAULT_TIMEOUT_MS);
  const maxBytes = positive(options.maxMessageBytes, 'maxMessageBytes', DEFAULT_MAX_BYTES);
  const payload = encode({ argv: options.argv ?? process.argv, cwd: options.cwd ?? process.cwd(), data: options.data, pid: process.pid });
  if (payload.length - 1 > maxBytes) {
    throw new SingleInstanceError(
      'ERR_SINGLE_INSTANCE_TOO_LARGE',
      `the message is ${payload.length - 1} bytes, over maxMessageBytes (${maxBytes})`,
    );
  }
  const deadline = performance.now() + timeout;
  let last: Error | null = null;
  for (;;) {
    // Tried on every round: a first instance that died meanwhile leaves a stale lock we can take over.
    if (lock.tryAcquire()) {
      // D is the caller's word for what second instances send; on the wire it is any JSON.
      const handler = options.onSecondInstance as SecondInstanceHandler | undefined;
      return PrimaryInstance.start(lock, endpointFor(lock.path, ownUid()), handler, maxBytes, timeout);
    }
    const uid = holderUid(lock.path);
    // Another user's first instance gets nothing from us (argv, cwd and data are
    // ours to keep), and its replies are not ours to trust.
    if (uid !== null && uid !== ownUid()) throw otherUser(lock, uid);
    const endpoint = uid === null ? null : endpointFor(lock.path, uid);
    const left = deadline - performance.now();
    if (endpoint !== null && left > 0 && isOurs(endpoint)) {
      try {
        return (await exchange(endpoint.address, payload, maxBytes, left)) as SecondaryInstance<R>;
      } catch (err) {
        if (!(err instanceof Retry)) throw err;
        last = err.cause;
        // A socket file that refuses connections, beside a lock written on another host: its
        // first instance listens there, where no retry from here can reach it.
        if (err.cause.code === 'ECONNREFUSED') throwIfElsewhere(lock.path);
      }
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      throwIfElsewhere(lock.path);
      const holder = ownerForMessage(lock);
      throw new SingleInstanceError(
        'ERR_SINGLE_INSTANCE_TIMEOUT',
        `the lock '${lock.path}' is held${holder === null ? '' : ` by PID ${holder}`}, but no first instance answered within ${timeout} ms` +
          (last ? ` (last error: ${(last as NodeJS.ErrnoException).code ?? last.message})` : ''),
        holder,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MS, remaining)));
  }
}

/** The holder's PID, for an error message only: a look that fails just leaves it out. */
function ownerForMessage(lock: PidLock): number | null {
  try {
    return lock.owner()?.pid ?? null;
  } catch {
    return null;
  }
}

function otherUser(lock: PidLock, uid: number): SingleInstanceError {
  const pid = ownerForMessage(lock);
  return new SingleInstanceError(
    'ERR_SINGLE_INSTANCE_OTHER_USER',
    `the lock '${lock.path}' is held by${pid === null ? '' : ` PID ${pid} of`} another user (uid ${uid}, this is uid ${ownUid()}): ` +
      'sent nothing to it; give each user a lock of their own ({ dir } in a private directory)',
    pid,
  );
}

export { PrimaryInstance, SingleInstanceError };
export type { SecondaryInstance, SingleInstanceOptions };
export type { SecondInstanceHandler, SecondInstanceMessage, SingleInstanceLockOptions } from './types';
export type { SingleInstanceErrorCode } from './errors';
