import { PidLockError } from '../index';
import { alive } from './alive';
import { clean } from './clean';
import { EXIT } from './exit';
import { HELP } from './help';
import { UsageError } from './options';
import { err, json, out } from './output';
import { run } from './run';
import { status } from './status';

const COMMANDS: Record<string, (args: string[]) => number | Promise<number>> = { run, status, alive, clean };

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
  return EXIT.ERROR;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err(HELP.pidlock);
    return EXIT.ERROR;
  }
  if (first === '--help' || first === '-h') {
    out(HELP.pidlock);
    return EXIT.OK;
  }
  if (first === 'help') {
    const topic = rest[0] ?? 'pidlock';
    if (!(topic in HELP)) {
      err(`pidlock: no help for '${topic}'; commands are: ${Object.keys(COMMANDS).join(', ')}`);
      return EXIT.ERROR;
    }
    out(HELP[topic]);
    return EXIT.OK;
  }
  const asJson = ownArgs(rest).includes('--json');
  const command = COMMANDS[first];
  if (command === undefined) {
    return usage(null, `unknown command '${first}'; use one of ${Object.keys(COMMANDS).join(', ')} (see 'pidlock --help')`, asJson);
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
      if (asJson) json({ error: e.code, message: e.message, path: e.path }, process.stderr);
      else err(`pidlock ${first}: ${e.message}`);
      return first === 'run' ? EXIT.LOCK_ERROR : EXIT.ERROR;
    }
    throw e;
  }
}
