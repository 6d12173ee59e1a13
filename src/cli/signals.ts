import os = require('node:os');

// The CLI's one platform choice: which signals `pidlock run` can catch and forward.

/**
 * Every signal that ends a process by default and that a handler can catch.
 * Uncaught, each would end pidlock while its command runs on: SIGINT, SIGTERM
 * and SIGHUP would also delete the lock on the way out (src/exit-hook.ts), and
 * the others would leave it stale. A listener on SIGUSR1 also replaces
 * Node's default handler, which would open an inspector port in pidlock. Not
 * here: SIGKILL and SIGSTOP (cannot be caught), SIGSEGV, SIGBUS, SIGFPE and
 * SIGILL (faults in pidlock itself, where running JS is unsafe), and SIGPIPE
 * (Node ignores it). Windows delivers only the first three.
 */
export const CATCHABLE: readonly NodeJS.Signals[] =
  process.platform === 'win32'
    ? ['SIGINT', 'SIGTERM', 'SIGHUP']
    : (
        [
          'SIGINT',
          'SIGTERM',
          'SIGHUP',
          'SIGQUIT',
          'SIGUSR1',
          'SIGUSR2',
          'SIGALRM',
          'SIGVTALRM',
          'SIGPROF',
          'SIGXCPU',
          'SIGXFSZ',
          'SIGTRAP',
          'SIGSYS',
          'SIGABRT',
          'SIGIOT',
          'SIGIO',
          'SIGPOLL',
          'SIGPWR',
          'SIGSTKFLT',
        ] as NodeJS.Signals[]
      ).filter((s) => s in os.constants.signals);
