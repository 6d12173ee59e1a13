// Wait options (timeout, retryInterval, signal) and their checks, the jitter
// and sleeping that waits use, and AbortError.
import { invalidArg, showValue } from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_MS = 20;

/**
 * The longest delay a Node timer keeps: setTimeout turns anything above it into
 * 1 ms (with a TimeoutOverflowWarning), which would poll instead of wait.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface WaitOptions {
  /** ms, at most MAX_TIMER_MS (about 24.8 days), or Infinity; default 10 000. */
  timeout?: number;
  /** ms between tries (+-25 % jitter), more than 0 and at most MAX_TIMER_MS; default 20. */
  retryInterval?: number;
  /** Aborts the wait: acquire() rejects with an AbortError (acquireSync only checks it before each try). */
  signal?: AbortSignal;
}

/** Duck-typed as Node's own validateAbortSignal is, so that another realm's or a polyfill's signal passes. */
function isAbortSignal(v: unknown): v is AbortSignal {
  return (
    typeof v === 'object' &&
    v !== null &&
    'aborted' in v &&
    'addEventListener' in v &&
    typeof v.addEventListener === 'function' &&
    'removeEventListener' in v &&
    typeof v.removeEventListener === 'function'
  );
}

function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || isAbortSignal(signal)) return signal;
  throw invalidArg(`signal must be an AbortSignal, received ${showValue(signal)}`, 'ERR_INVALID_ARG_TYPE');
}

export function checkWait(opts: unknown): { timeout: number; retryInterval: number; signal: AbortSignal | undefined } {
  if (opts !== undefined && opts !== null && typeof opts !== 'object') {
    throw invalidArg(
      `options must be an object like { timeout, retryInterval, signal }, received ${showValue(opts)}`,
      'ERR_INVALID_ARG_TYPE',
    );
  }
  const { timeout = DEFAULT_TIMEOUT_MS, retryInterval = DEFAULT_RETRY_MS, signal } = (opts ?? {}) as WaitOptions;
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0 || (timeout > MAX_TIMER_MS && timeout !== Infinity)) {
    throw invalidArg(
      `timeout must be a number of ms from 0 to ${MAX_TIMER_MS}, or Infinity, received ${showValue(timeout)}`,
      'ERR_OUT_OF_RANGE',
      RangeError,
    );
  }
  if (typeof retryInterval !== 'number' || !Number.isFinite(retryInterval) || retryInterval <= 0 || retryInterval > MAX_TIMER_MS) {
    throw invalidArg(
      `retryInterval must be a number of ms > 0 and <= ${MAX_TIMER_MS}, received ${showValue(retryInterval)}`,
      'ERR_OUT_OF_RANGE',
      RangeError,
    );
  }
  return { timeout, retryInterval, signal: checkSignal(signal) };
}

export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(cause?: unknown) {
    super('The operation was aborted', cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
  }
}
