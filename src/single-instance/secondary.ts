// A second instance's side: connect to the first one, send the message, read
// the reply.
import type * as net from 'node:net';
import { SingleInstanceError, type SingleInstanceErrorCode } from './errors';
import { readLine } from './framing';
import type { SecondaryInstance } from './types';

/**
 * Connect errors that mean "the first instance is not listening yet" (or just
 * died, leaving its socket): worth another try until the deadline. EAGAIN is
 * a full Unix socket backlog; EBUSY and EPIPE are busy Windows pipe instances.
 */
const RETRYABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN', 'EBUSY', 'EPIPE', 'ECONNRESET']);

export class Retry extends Error {
  constructor(readonly cause: NodeJS.ErrnoException) {
    super(cause.message);
  }
}

/**
 * Sends one message and reads one reply. Rejects with Retry when no
 * connection was made (nothing was delivered, so trying again is safe);
 * once connected, every failure is final.
 */
export function exchange(address: string, payload: Buffer, maxBytes: number, msLeft: number): Promise<SecondaryInstance> {
  return new Promise((resolve, reject) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const socket = (require('node:net') as typeof net).createConnection(address);
    let connected = false;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      fn();
    };
    const fail = (code: SingleInstanceErrorCode, message: string, pid: number | null = null) =>
      settle(() => reject(new SingleInstanceError(code, message, pid)));
    const timer = setTimeout(
      () =>
        fail(
          'ERR_SINGLE_INSTANCE_TIMEOUT',
          connected ? 'the first instance did not reply in time' : 'the first instance did not accept a connection in time',
        ),
      msLeft,
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && RETRYABLE.has(err.code ?? '')) settle(() => reject(new Retry(err)));
      else if (!connected) fail('ERR_SINGLE_INSTANCE_CONNECT', `cannot connect to the first instance at '${address}': ${err.message}`);
      // Once connected, an error (e.g. EPIPE after a refusal) ends in 'close'; the reply, if any, came first.
    });
    socket.on('connect', () => {
      connected = true;
      socket.write(payload);
    });
    readLine(socket, maxBytes, (result) => {
      if ('closed' in result) return fail('ERR_SINGLE_INSTANCE_NO_REPLY', 'the first instance closed the connection without replying');
      if ('tooLarge' in result) return fail('ERR_SINGLE_INSTANCE_TOO_LARGE', `the reply is larger than ${maxBytes} bytes`);
      let response: { ok?: boolean; pid?: number; reply?: unknown; error?: { code?: string; message?: string } };
      try {
        response = JSON.parse(result.line) as typeof response;
      } catch {
        return fail('ERR_SINGLE_INSTANCE_PROTOCOL', 'the first instance sent something that is not JSON');
      }
      const pid = Number.isInteger(response?.pid) ? (response.pid as number) : null;
      if (response?.ok === true && pid !== null) return settle(() => resolve({ primary: false, reply: response.reply, pid }));
      const code = (response?.error?.code ?? 'ERR_SINGLE_INSTANCE_PROTOCOL') as SingleInstanceErrorCode;
      fail(code, response?.error?.message ?? 'the first instance sent an unexpected answer', pid);
    });
  });
}
