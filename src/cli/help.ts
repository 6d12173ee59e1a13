// The text of `pidlock --help` and of each command's --help.
const LOCK = `Lock (one of):
  --name NAME     the lock file .NAME_lock[_PORT].pid in the temp directory
  --port PORT     an integer 0-65535 appended to the name
  --dir DIR       another directory for --name
  --path FILE     the lock file itself
  --single-host   only this host uses the lock's directory, even on a shared
                  filesystem: judge an unmarked lock there by local PIDs`;

export const HELP: Record<string, string> = {
  pidlock: `Usage: pidlock <command> [options]

PID-file locks for scripts and cron jobs, and who holds them.

Commands:
  run      hold a lock while a command runs
  status   show who holds a lock, and whether it is stale
  alive    check whether processes are alive
  clean    remove a lock only if it is stale

Options:
  -V, --version   print the version
  -h, --help      this help

Run 'pidlock <command> --help' for a command's options and exit codes.
Docs: docs/cli.md in the pidlock-native package.`,

  run: `Usage: pidlock run <lock> [-w SECONDS] [-q] [-E CODE] [--lease SECONDS] [--json] -- command [args...]

Holds the lock while the command runs and until it has exited, forwards every
catchable signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, ...) to
it, and exits with its exit code.

${LOCK}
  -w, --wait SECONDS
                  wait up to this long for a held lock: decimal seconds, at
                  most 2147483 (default 0: try once; "inf" waits for ever)
  -q, --quiet     print nothing when the lock is busy (as flock -n does)
  -E, --conflict-exit-code CODE
                  exit with CODE (0-255) when the lock is busy (default 75)
  --lease SECONDS keep a lease on the lock (for directories shared by several
                  hosts): refreshed every third of it, and taken by another
                  host once the lock is older than that
  --json          report a busy lock or an error as one JSON line on stderr
  -h, --help      this help

Exit codes:
  the command's own exit code; 128+N if it was killed by signal N
  75   the lock is held by another process and the wait ran out (EX_TEMPFAIL,
       or the -E code); the holder's PID and the lock path go to stderr
  71   the lock file could not be created or read
  126  the command cannot be executed; 127 the command was not found
  2    bad arguments`,

  status: `Usage: pidlock status <lock> [--json]

Prints the lock path, the holder's PID, whether the holder is alive, and
whether the lock is stale. Its exit codes are the LSB init-script status codes.

${LOCK}
  --json          one JSON object on stdout
  -h, --help      this help

Exit codes:
  0  held by a live process
  1  stale: a dead owner's lock file is there
  3  free: no lock file
  4  cannot tell: held by a process that cannot be checked (e.g. another
     user's), the directory is missing, the lock path cannot be read, or bad
     arguments`,

  alive: `Usage: pidlock alive [--json] <pid>...

Prints "PID true", "PID false" or "PID unknown" for each PID (unknown: it
exists but cannot be checked, e.g. another user's process on some systems).

  --json          one JSON array on stdout
  -h, --help      this help

Exit codes:
  0  every PID is alive
  1  at least one is not alive, or unknown
  2  bad arguments`,

  clean: `Usage: pidlock clean <lock> [--force] [--json]

Removes the lock file only if it is stale (its owner is proven dead), using
the same safe breaking as the library, and says what it did.

${LOCK}
  --force         also remove a lock whose owner cannot be checked from here
                  (written on another host, boot or PID namespace); never one
                  whose kernel lock is held or whose owner runs here
  --json          one JSON object on stdout
  -h, --help      this help

Exit codes:
  0  the lock was stale and is removed, or there was no lock
  1  the lock is held by a live process; left alone
  2  error: bad arguments, or the lock path cannot be read or removed`,
};
