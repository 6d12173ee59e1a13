// The CLI's dispatcher: picks the command, and turns usage and lock errors into
// one line on stderr (or --json) and the command's exit code.
import { PidLockError, type AdviceWords } from '../index';
import { alive } from './alive';
import { clean } from './clean';
import { EXIT, STATUS_EXIT } from './exit';
import { HELP } from './help';
import { didYouMean, UsageError } from './options';
import { err, json, out } from './output';
import { run } from './run';
import { status } from './status';

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = { run, status, alive, clean };

/** The package's version, put in by the build (scripts/build.js). */
declare const PIDLOCK_VERSION: string;

/** How each command exits on a usage error and on a failed lock operation; status speaks LSB (see STATUS_EXIT). */
const FAILURE_EXIT: Record<string, { usage: number; lock: number }> = {
  run: { usage: EXIT.ERROR, lock: EXIT.LOCK_ERROR },
  status: { usage: STATUS_EXIT.UNKNOWN, lock: STATUS_EXIT.UNKNOWN },
};
const failureExit = (command: string | null) => FAILURE_EXIT[command ?? ''] ?? { usage: EXIT.ERROR, lock: EXIT.ERROR };

/** The library's advice names its options ({ dir }); the CLI's names the flags the user typed. */
function cliWords(args: string[]): AdviceWords {
  const byPath = args.some((a) => a === '--path' || a.startsWith('--path='));
  return byPath ? { dir: 'directory in --path', name: '--path' } : { dir: '--dir', name: '--name or --dir' };
}

/** Only our own options: in `pidlock run ... -- cmd --help --json`, those are the command's business. */
function ownArgs(args: string[]): string[] {
  const end = args.indexOf('--');
  return end < 0 ? args : args.slice(0, end);
}

function wantsHelp(args: string[]): boolean {
  const ours = ownArgs(args);
  return ours.includes('--help') || ours.includes('-h');
}

/** A usage error: one line naming the fix, or with --json one JSON line, on stderr. */
function usage(command: string | null, message: string, asJson: boolean): number {
  if (asJson) json({ error: 'usage', message }, process.stderr);
  else err(`pidlock${command === null ? '' : ` ${command}`}: ${message}`);
  return failureExit(command).usage;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err(HELP.pidlock);
    return EXIT.ERROR;
  }
  if (first === '--version' || first === '-V') {
    out(PIDLOCK_VERSION);
    return EXIT.OK;
  }
  if (first === '--help' || first === '-h') {
    out(HELP.pidlock);
    return EXIT.OK;
  }
  if (first === 'help') {
    const topic = rest[0] ?? 'pidlock';
    if (!(topic in HELP)) {
      err(`pidlock: no help for '${topic}';${didYouMean(topic, Object.keys(COMMANDS))} commands are: ${Object.keys(COMMANDS).join(', ')}`);
      return EXIT.ERROR;
    }
    out(HELP[topic]);
    return EXIT.OK;
  }
  const asJson = ownArgs(rest).includes('--json');
  const command = COMMANDS[first];
  if (command === undefined) {
    const names = Object.keys(COMMANDS);
    const near = didYouMean(first, [...names, '--version', '--help']);
    return usage(null, `unknown command '${first}';${near} use one of ${names.join(', ')} (see 'pidlock --help')`, asJson);
  }
  if (wantsHelp(rest)) {
    out(HELP[first]);
    return EXIT.OK;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) return usage(first, e.message, asJson);
    if (e instanceof PidLockError) {
      const message = e.reword(cliWords(ownArgs(rest)));
      if (asJson) json({ error: e.code, message, path: e.path }, process.stderr);
      else err(`pidlock ${first}: ${message}`);
      return failureExit(first).lock;
    }
    throw e;
  }
}
