import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import os = require('node:os');
import type { PidLock } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockFrom, parse, parseWait, UsageError } from './options';
import { aliveWord, err, json } from './output';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** The command is everything after '--', so its own options never reach our parser. */
function splitCommand(args: string[]): { ours: string[]; command: string[] } {
  const dashdash = args.indexOf('--');
  if (dashdash < 0) return { ours: args, command: [] };
  return { ours: args.slice(0, dashdash), command: args.slice(dashdash + 1) };
}

function reportBusy(lock: PidLock, waited: number, asJson: boolean): void {
  let owner = null;
  try {
    owner = lock.owner();
  } catch {
    // The holder vanished or the file changed under us; "unknown" says as much.
  }
  const pid = owner?.pid ?? null;
  if (asJson) {
    json({ error: 'busy', path: lock.path, pid, alive: owner?.alive ?? null, waitedSeconds: waited }, process.stderr);
    return;
  }
  const holder = pid === null ? 'another process' : `PID ${pid} (alive: ${aliveWord(owner?.alive ?? null)})`;
  err(`pidlock run: lock ${lock.path} is held by ${holder}; gave up after ${waited} s (exit ${EXIT.BUSY})`);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (os.constants.signals as Record<string, number>)[signal] ?? 0;
}

/** Runs the command to its end and maps how it ended to our exit code. */
function runChild(command: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
    // Our listeners also keep signal-exit from ending us (and freeing the lock) while the child still runs.
    const forward = (signal: NodeJS.Signals) => {
      child.kill(signal);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const done = (code: number) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      const notFound = e.code === 'ENOENT';
      err(`pidlock run: cannot run '${command[0]}': ${notFound ? 'command not found' : e.message}`);
      done(notFound ? EXIT.NOT_FOUND : EXIT.CANNOT_EXECUTE);
    });
    child.on('exit', (code, signal) => {
      done(code ?? EXIT.SIGNAL_BASE + signalNumber(signal as NodeJS.Signals));
    });
  });
}

export async function run(args: string[]): Promise<number> {
  const { ours, command } = splitCommand(args);
  const { values, positionals } = parse('run', () =>
    parseArgs({ args: ours, options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS, wait: { type: 'string' } }, strict: true, allowPositionals: true }),
  );
  if (positionals.length > 0) {
    throw new UsageError(`put the command after '--', as in 'pidlock run --name job -- ${[...positionals, ...command].join(' ')}'`);
  }
  const wait = parseWait(values.wait);
  const lock = lockFrom(values);
  if (command.length === 0) {
    throw new UsageError("give the command after '--', as in 'pidlock run --name job -- ./job.sh'");
  }
  const got = wait === 0 ? lock.tryAcquire() : await lock.acquire({ timeout: wait * 1000 });
  if (!got) {
    reportBusy(lock, wait, values.json === true);
    return EXIT.BUSY;
  }
  try {
    return await runChild(command);
  } finally {
    lock.release();
  }
}
