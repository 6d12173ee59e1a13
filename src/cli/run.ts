// `pidlock run`: takes the lock (waiting up to --wait), runs the command with
// the lock held and signals forwarded, and releases when it ends.
import { spawn, type ChildProcess } from 'node:child_process';
import os = require('node:os');
import { lockStatus, type LockStatus, type PidLock } from '../index';
import { kernelLockDescriptor } from '../pidlock';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockFrom, parse, parseExitCode, parseWait, RUN_OPTIONS, UsageError } from './options';
import { aliveWord, err, json } from './output';
import { CATCHABLE } from './signals';

/** The command is everything after '--', so its own options never reach our parser. */
function splitCommand(args: string[]): { ours: string[]; command: string[] } {
  const dashdash = args.indexOf('--');
  if (dashdash < 0) return { ours: args, command: [] };
  return { ours: args.slice(0, dashdash), command: args.slice(dashdash + 1) };
}

function reportBusy(lock: PidLock, waited: number, asJson: boolean, exitCode: number): void {
  // The holder the refusing try saw: a second read could find it gone, or another.
  const owner = lock.lastOwner;
  const pid = owner?.pid ?? null;
  const where = owner?.alive === null ? whereWritten(lock.path) : { origin: owner === null ? null : 'here', host: null };
  if (asJson) {
    json({ error: 'busy', path: lock.path, pid, alive: owner?.alive ?? null, ...where, waitedSeconds: waited }, process.stderr);
    return;
  }
  const holder = pid === null ? 'another process' : `PID ${pid} (alive: ${aliveWord(owner?.alive ?? null)})`;
  const by = where.origin === 'other' ? `held on another host (${where.host}) by ${holder}` : `held by ${holder}`;
  err(`pidlock run: lock ${lock.path} is ${by}; gave up after ${waited} s (exit ${exitCode})`);
}

/**
 * Only a holder that cannot be checked from here may have written the lock
 * elsewhere, so only then is the file read once more, for its marker.
 */
function whereWritten(lockPath: string): Pick<LockStatus, 'origin' | 'host'> {
  try {
    const { origin, host } = lockStatus(lockPath);
    return { origin, host };
  } catch {
    return { origin: null, host: null };
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return (os.constants.signals as Record<string, number>)[signal] ?? 0;
}

/**
 * Catches every CATCHABLE signal from before the wait until pidlock returns, so
 * that none ends pidlock (and frees the lock) while the command runs. While the
 * command runs, a signal is passed on to it once: aliases (SIGIOT and SIGABRT
 * are both 6) each get a listener, as CATCHABLE names both, but only the first
 * name of a number forwards.
 * Before the command starts, the first signal aborts the wait.
 */
class SignalRelay {
  readonly #listeners: [NodeJS.Signals, () => void][] = [];
  readonly #beforeStart = new AbortController();
  #child: ChildProcess | null = null;
  /** The signal that arrived before the command started, if any. */
  received: NodeJS.Signals | null = null;

  constructor() {
    const forwarding = new Set<number>();
    for (const name of CATCHABLE) {
      const number = signalNumber(name);
      const forwards = !forwarding.has(number);
      forwarding.add(number);
      const listener = forwards ? () => this.#deliver(name) : () => {};
      process.on(name, listener);
      this.#listeners.push([name, listener]);
    }
  }

  get beforeStart(): AbortSignal {
    return this.#beforeStart.signal;
  }

  #deliver(name: NodeJS.Signals): void {
    if (this.#child !== null) {
      this.#child.kill(name);
      return;
    }
    this.received ??= name;
    this.#beforeStart.abort();
  }

  forwardTo(child: ChildProcess): void {
    this.#child = child;
  }

  dispose(): void {
    for (const [name, listener] of this.#listeners) process.off(name, listener);
  }
}

/** Runs the command to its end and maps how it ended to our exit code. */
function runChild(command: string[], relay: SignalRelay, lock: PidLock): Promise<number> {
  return new Promise((resolve) => {
    // As flock(1) does: the command inherits the locked descriptor (as fd 3), so
    // the kernel lock lasts while it lives even if pidlock is SIGKILLed.
    const fd = kernelLockDescriptor(lock);
    const child = spawn(command[0], command.slice(1), { stdio: fd === null ? 'inherit' : ['inherit', 'inherit', 'inherit', fd] });
    relay.forwardTo(child);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const notFound = e.code === 'ENOENT';
      err(`pidlock run: cannot run '${command[0]}': ${notFound ? 'command not found' : e.message}`);
      resolve(notFound ? EXIT.NOT_FOUND : EXIT.CANNOT_EXECUTE);
    });
    child.on('exit', (code, signal) => {
      resolve(code ?? EXIT.SIGNAL_BASE + signalNumber(signal as NodeJS.Signals));
    });
  });
}

export async function run(args: string[]): Promise<number> {
  const { ours, command } = splitCommand(args);
  const { values, positionals } = parse('run', {
    args: ours,
    options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS, ...RUN_OPTIONS },
    allowPositionals: true,
  });
  if (positionals.length > 0) {
    throw new UsageError(`put the command after '--', as in 'pidlock run --name job -- ${[...positionals, ...command].join(' ')}'`);
  }
  const wait = parseWait(values.wait);
  const busyExit = parseExitCode(values['conflict-exit-code']);
  const lock = lockFrom(values);
  if (command.length === 0) {
    throw new UsageError("give the command after '--', as in 'pidlock run --name job -- ./job.sh'");
  }
  const relay = new SignalRelay();
  try {
    let got: boolean;
    try {
      got = wait === 0 ? lock.tryAcquire() : await lock.acquire({ timeout: wait * 1000, signal: relay.beforeStart });
    } catch (e) {
      if (relay.received === null) throw e;
      got = false;
    }
    // Ended by a signal before the command started, as the signal would have ended us.
    if (relay.received !== null) {
      if (got) lock.release();
      return EXIT.SIGNAL_BASE + signalNumber(relay.received);
    }
    if (!got) {
      // As flock -n: a cron job that finds the lock busy prints nothing, so cron mails nothing.
      if (values.quiet !== true) reportBusy(lock, wait, values.json === true, busyExit);
      return busyExit;
    }
    try {
      return await runChild(command, relay, lock);
    } finally {
      lock.release();
    }
  } finally {
    relay.dispose();
  }
}
