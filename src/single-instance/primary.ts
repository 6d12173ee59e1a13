// PrimaryInstance: the first instance's server, which hands each second
// instance's message to the app and sends back its reply.
import events = require('node:events');
import type * as net from 'node:net';
import type { PidLock } from '../pidlock';
import { cleanup, type Endpoint, prepare } from './endpoint';
import { encode, readLine } from './framing';
import type { SecondInstanceHandler, SecondInstanceMessage } from './types';

function parseMessage(line: string): SecondInstanceMessage | null {
  let m: unknown;
  try {
    m = JSON.parse(line);
  } catch {
    return null;
  }
  const o = m as Record<string, unknown>;
  const ok =
    typeof o === 'object' &&
    o !== null &&
    Array.isArray(o.argv) &&
    o.argv.every((a) => typeof a === 'string') &&
    typeof o.cwd === 'string' &&
    Number.isInteger(o.pid);
  return ok ? { argv: o.argv as string[], cwd: o.cwd as string, data: o.data, pid: o.pid as number } : null;
}

function failure(code: string, message: string) {
  return { ok: false, pid: process.pid, error: { code, message } };
}

/**
 * The first instance: it holds the lock and answers second instances. The
 * server does not keep the process alive; close() stops it and releases the lock.
 */
export class PrimaryInstance extends events.EventEmitter<{ 'second-instance': [message: SecondInstanceMessage]; error: [error: Error] }> {
  readonly primary = true as const;
  readonly lock: PidLock;
  /** The socket path or pipe name second instances connect to. */
  readonly address: string;
  readonly #endpoint: Endpoint;
  readonly #server: net.Server;
  readonly #handler: SecondInstanceHandler | undefined;
  readonly #maxBytes: number;
  readonly #timeout: number;
  readonly #onExit = () => cleanup(this.#endpoint);

  private constructor(lock: PidLock, endpoint: Endpoint, handler: SecondInstanceHandler | undefined, maxBytes: number, timeout: number) {
    super();
    this.lock = lock;
    this.address = endpoint.address;
    this.#endpoint = endpoint;
    this.#handler = handler;
    this.#maxBytes = maxBytes;
    this.#timeout = timeout;
    // node:net loads on first use, not with the package: most users never need it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createServer } = require('node:net') as typeof net;
    this.#server = createServer((socket) => this.#serve(socket));
  }

  /** @internal */
  static async start(
    lock: PidLock,
    endpoint: Endpoint,
    handler: SecondInstanceHandler | undefined,
    maxBytes: number,
    timeout: number,
  ): Promise<PrimaryInstance> {
    const self = new PrimaryInstance(lock, endpoint, handler, maxBytes, timeout);
    try {
      prepare(endpoint);
      await new Promise<void>((resolve, reject) => {
        self.#server.once('error', reject);
        self.#server.listen(endpoint.address, () => {
          self.#server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      lock.release();
      throw err;
    }
    self.#server.unref();
    self.#server.on('error', (err) => self.#report(err));
    process.on('exit', self.#onExit);
    return self;
  }

  /** Stops answering, removes the socket and releases the lock. */
  async close(): Promise<void> {
    process.off('exit', this.#onExit);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    cleanup(this.#endpoint);
    this.lock.release();
  }

  #report(err: Error): void {
    // Without a listener, a failing handler must not take the first instance down.
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }

  #serve(socket: net.Socket): void {
    socket.on('error', () => {});
    // Only the wait for the message is bounded here; the second instance bounds the whole exchange.
    socket.setTimeout(this.#timeout, () => socket.destroy());
    readLine(socket, this.#maxBytes, (result) => {
      socket.setTimeout(0);
      if ('closed' in result) return;
      if ('tooLarge' in result) {
        this.#answer(
          socket,
          failure('ERR_SINGLE_INSTANCE_TOO_LARGE', `message larger than the first instance's limit of ${this.#maxBytes} bytes`),
        );
        socket.resume(); // drain what the peer still sends, without keeping it
        return;
      }
      const message = parseMessage(result.line);
      if (message === null) {
        this.#answer(socket, failure('ERR_SINGLE_INSTANCE_PROTOCOL', 'not a second-instance message'));
        return;
      }
      void this.#handle(socket, message);
    });
  }

  async #handle(socket: net.Socket, message: SecondInstanceMessage): Promise<void> {
    let reply: unknown;
    try {
      this.emit('second-instance', message);
      reply = this.#handler === undefined ? null : await this.#handler(message);
    } catch (err) {
      this.#report(err instanceof Error ? err : new Error(String(err)));
      const text = err instanceof Error ? err.message : String(err);
      this.#answer(socket, failure('ERR_SINGLE_INSTANCE_HANDLER', `the first instance's handler failed: ${text}`));
      return;
    }
    let body: Buffer;
    try {
      body = encode({ ok: true, pid: process.pid, reply: reply === undefined ? null : reply });
    } catch (err) {
      body = encode(failure('ERR_SINGLE_INSTANCE_REPLY', `the first instance's reply is not JSON-serialisable: ${(err as Error).message}`));
    }
    if (body.length - 1 > this.#maxBytes) {
      body = encode(failure('ERR_SINGLE_INSTANCE_TOO_LARGE', `the first instance's reply is larger than ${this.#maxBytes} bytes`));
    }
    this.#answer(socket, body);
  }

  #answer(socket: net.Socket, response: Buffer | object): void {
    if (socket.destroyed) return;
    socket.end(Buffer.isBuffer(response) ? response : encode(response));
  }
}
