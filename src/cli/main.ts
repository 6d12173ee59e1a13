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

function wantsHelp(args: string[]): boolean {
  // Only our own options: `pidlock run ... -- cmd --help` is the command's business.
  const end = args.indexOf('--');
  const ours = end < 0 ? args : args.slice(0, end);
  return ours.includes('--help') || ours.includes('-h');
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err(HELP.pidlock);
    return EXIT.USAGE;
  }
  if (first === '--help' || first === '-h') {
    out(HELP.pidlock);
    return EXIT.OK;
  }
  if (first === 'help') {
    const topic = rest[0] ?? 'pidlock';
    if (!(topic in HELP)) {
      err(`pidlock: no help for '${topic}'; commands are: ${Object.keys(COMMANDS).join(', ')}`);
      return EXIT.USAGE;
    }
    out(HELP[topic]);
    return EXIT.OK;
  }
  const command = COMMANDS[first];
  if (command === undefined) {
    err(`pidlock: unknown command '${first}'; use one of ${Object.keys(COMMANDS).join(', ')} (see 'pidlock --help')`);
    return EXIT.USAGE;
  }
  if (wantsHelp(rest)) {
    out(HELP[first]);
    return EXIT.OK;
  }
  const asJson = rest.includes('--json');
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`pidlock ${first}: ${e.message}`);
      return EXIT.USAGE;
    }
    if (e instanceof PidLockError) {
      if (asJson) json({ error: e.code, message: e.message, path: e.path }, process.stderr);
      else err(`pidlock ${first}: ${e.message}`);
      return first === 'run' ? EXIT.LOCK_ERROR : EXIT.ERROR;
    }
    throw e;
  }
}
