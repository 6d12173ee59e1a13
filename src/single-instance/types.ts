// The public types of requestSingleInstance: options, messages, replies.
import type { LockOptions } from '../paths';

/** What the first instance learns about each second instance. */
export interface SecondInstanceMessage<D = unknown> {
  /** The second instance's argv, exactly and in order (process.argv unless `argv` was given). */
  argv: string[];
  /** Its working directory. */
  cwd: string;
  /** Its `data` option after a JSON round trip; undefined when it sent none. */
  data: D | undefined;
  /** Its PID. */
  pid: number;
}

/** The reply is sent as JSON: undefined arrives as null. Throw (or reject) to send an error instead. */
export type SecondInstanceHandler<R = unknown, D = unknown> = (message: SecondInstanceMessage<D>) => R | Promise<R>;

export type SingleInstanceLockOptions = LockOptions;

export type SingleInstanceOptions<R = unknown, D = unknown> = SingleInstanceLockOptions & {
  /** Sent to the first instance when this one is second. Must be JSON-serialisable. */
  data?: D;
  /** Default: process.argv. */
  argv?: string[];
  /** Default: process.cwd(). */
  cwd?: string;
  /**
   * Milliseconds a second instance waits for the first one to listen and
   * reply; the first instance gives a connection as long to send its message.
   * Default 5000.
   */
  timeout?: number;
  /** The largest message either side reads, in bytes of JSON. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Runs in the first instance for each second instance; its result is the reply. */
  onSecondInstance?: SecondInstanceHandler<R, D>;
};

/** What a second instance gets. */
export interface SecondaryInstance<R = unknown> {
  primary: false;
  /** The first instance's reply (after a JSON round trip). */
  reply: R;
  /** The first instance's PID. */
  pid: number;
}
