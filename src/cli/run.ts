import { parseArgs } from 'node:util';
import { spawn, type ChildProcess } from 'node:child_process';
import os = require('node:os');
import { lockStatus, type LockStatus, type PidLock } from '../index';
import { kernelLockDescriptor } from '../pidlock';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockFrom, negativeValues, parse, parseWait, UsageError } from './options';
import { aliveWord, err, json } from './output';
import { CATCHABLE } from './signals';

/** The command is everything after '--', so its own options never reach our parser. */
function splitCommand(args: string[]): { ours: string[]; command: string[] } {
  const dashdash = args.indexOf('--');
  if (dashdash < 0) return { ours: args, command: [] };
  return { ours: args.slice(0, dashdash), command: args.slice(dashdash + 1) };
}

function reportBusy(lock: PidLock, singleHost: boolean, waited: number, asJson: boolean): void {
  let owner: LockStatus | null = null;
  try {
    owner = lockStatus({ path: lock.path, singleHost });
  } catch {
    // The holder vanished or the file changed under us; "unknown" says as much.
  }
  const pid = owner?.pid ?? null;
  const host = owner?.host ?? null;
  if (asJson) {
    const where = { origin: owner?.origin ?? null, host };
    json({ error: 'busy', path: lock.path, pid, alive: owner?.alive ?? null, ...where, waitedSeconds: waited }, process.stderr);
    return;
  }
  const holder = pid === null ? 'another process' : `PID ${pid} (alive: ${aliveWord(owner?.alive ?? null)})`;
  const by = owner?.origin === 'other' ? `held on another host (${host}) by ${holder}` : `held by ${holder}`;
  err(`pidlock run: lock ${lock.path} is ${by}; gave up after ${waited} s (exit ${EXIT.BUSY})`);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (os.constants.signals as Record<string, number>)[signal] ?? 0;
}

/**
 * Catches every CATCHABLE signal from before the wait until pidlock returns, so
 * that none ends pidlock (and frees the lock) while the command runs. While the
 * command runs, a signal is passed on to it once: aliases (SIGIOT and SIGABRT
 * are both 6) each get a listener, because signal-exit listens to each name and
 * would act on one we left out, but only the first name of a number forwards.
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
  const options = { ...LOCK_OPTIONS, ...COMMON_OPTIONS, wait: { type: 'string' }, lease: { type: 'string' } } as const;
  const { values, positionals } = parse('run', () =>
    parseArgs({ args: negativeValues(ours, options), options, strict: true, allowPositionals: true }),
  );
  if (positionals.length > 0) {
    throw new UsageError(`put the command after '--', as in 'pidlock run --name job -- ${[...positionals, ...command].join(' ')}'`);
  }
  const wait = parseWait(values.wait);
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
      reportBusy(lock, values['single-host'] === true, wait, values.json === true);
      return EXIT.BUSY;
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
