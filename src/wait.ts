import { invalidArg } from './errors';

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRY_MS = 20;

export interface WaitOptions {
  timeout?: number;
  retryInterval?: number;
  /** Aborts the wait of acquire() (acquireSync() cannot be interrupted and ignores it). */
  signal?: AbortSignal;
}

export function checkWait(opts: WaitOptions | undefined): { timeout: number; retryInterval: number } {
  const { timeout = DEFAULT_TIMEOUT_MS, retryInterval = DEFAULT_RETRY_MS } = opts ?? {};
  if (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0) {
    throw invalidArg(`timeout must be a number >= 0 (ms) or Infinity, received ${String(timeout)}`, 'ERR_OUT_OF_RANGE', RangeError);
  }
  if (typeof retryInterval !== 'number' || !Number.isFinite(retryInterval) || retryInterval <= 0) {
    throw invalidArg(`retryInterval must be a finite number > 0 (ms), received ${String(retryInterval)}`, 'ERR_OUT_OF_RANGE', RangeError);
  }
  return { timeout, retryInterval };
}

/** Up to +-25 % so that waiters started together do not retry in lockstep. */
export function jitter(ms: number): number {
  return ms * (0.75 + Math.random() * 0.5);
}

const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread without spinning. */
export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(cause?: unknown) {
    super('The operation was aborted', cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
  }
}

/** Like timers/promises setTimeout with a signal, rejecting with the same kind of AbortError. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
