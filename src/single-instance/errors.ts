// SingleInstanceError and its codes.
/** Why a second instance got no reply; the table in docs/electron.md explains each. */
export type SingleInstanceErrorCode =
  | 'ERR_SINGLE_INSTANCE_TIMEOUT'
  | 'ERR_SINGLE_INSTANCE_HANDLER'
  | 'ERR_SINGLE_INSTANCE_TOO_LARGE'
  | 'ERR_SINGLE_INSTANCE_REPLY'
  | 'ERR_SINGLE_INSTANCE_NO_REPLY'
  | 'ERR_SINGLE_INSTANCE_PROTOCOL'
  | 'ERR_SINGLE_INSTANCE_UNSAFE_DIR'
  | 'ERR_SINGLE_INSTANCE_OTHER_USER'
  | 'ERR_SINGLE_INSTANCE_CONNECT'
  | 'ERR_SINGLE_INSTANCE_OTHER_HOST';

export class SingleInstanceError extends Error {
  readonly code: SingleInstanceErrorCode;
  /** The first instance's PID, when known. */
  readonly pid: number | null;

  constructor(code: SingleInstanceErrorCode, message: string, pid: number | null = null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SingleInstanceError';
    this.code = code;
    this.pid = pid;
  }
}
