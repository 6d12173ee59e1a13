/**
 * Exit codes, documented in docs/cli.md. The sysexits(3) values keep pidlock's
 * own outcomes apart from the small codes most commands use.
 */
export const EXIT = {
  OK: 0,
  /** alive: some PID is not alive; clean: held by a live process. */
  NO: 1,
  /** Bad arguments (every command but status); clean: the lock path cannot be read or removed. */
  ERROR: 2,
  /** EX_SOFTWARE: a bug in pidlock. */
  INTERNAL: 70,
  /** EX_OSERR: the lock file could not be created, read or removed. */
  LOCK_ERROR: 71,
  /** EX_TEMPFAIL: the lock is held and the wait ran out; retry later. */
  BUSY: 75,
  /** As shells do: the command exists but cannot be executed. */
  CANNOT_EXECUTE: 126,
  /** As shells do: the command was not found. */
  NOT_FOUND: 127,
  /** run: a child killed by signal N gives SIGNAL_BASE + N. */
  SIGNAL_BASE: 128,
} as const;

/**
 * status speaks the LSB init-script status codes, which init scripts and
 * start-stop-daemon users test for: 0 running (EXIT.OK), 1 dead but its pid
 * file is there, 3 not running, 4 unknown. LSB gives 2 its own meaning there,
 * so status reports every error, bad arguments included, as 4.
 */
export const STATUS_EXIT = {
  /** Held by a live process. */
  HELD: 0,
  /** A dead owner's file is there. */
  STALE: 1,
  /** No lock file. */
  FREE: 3,
  /** Cannot tell: the holder cannot be checked, the directory is missing, or an error. */
  UNKNOWN: 4,
} as const;
