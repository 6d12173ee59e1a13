import type { ParseArgsConfig } from 'node:util';
import { lockFilePath, PidLock } from '../index';
import { MAX_TIMER_MS } from '../wait';

/** A mistake in the command line: one line naming the fix, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export const LOCK_OPTIONS = {
  name: { type: 'string' },
  port: { type: 'string' },
  dir: { type: 'string' },
  path: { type: 'string' },
  'single-host': { type: 'boolean' },
} as const satisfies Options;

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * parseArgs in strict mode, with its multi-sentence errors turned into one line
 * that says what to do.
 */
export function parse<T>(command: string, parseArgsCall: () => T): T {
  try {
    return parseArgsCall();
  } catch (e) {
    const error = e as Error & { code?: string };
    const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    const see = `see 'pidlock ${command} --help'`;
    switch (error.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown option '${quoted}'; ${see}`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const option = quoted.split(' ')[0];
        if (/does not take an argument/.test(error.message))
          throw new UsageError(`option '${option}' takes no value; write just '${option}'`);
        // "ambiguous": the next word starts with '-', so it was read as an option.
        const dash = /ambiguous/.test(error.message) ? `; a value that starts with '-' goes as '${option}=-VALUE'` : '';
        throw new UsageError(`option '${option}' needs a value, as in '${option} VALUE'${dash}`);
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(`unexpected argument '${quoted}'; ${see}`);
      default:
        throw new UsageError(`${error.message}; ${see}`);
    }
  }
}

export interface LockArgs {
  name?: string;
  port?: string;
  dir?: string;
  path?: string;
  'single-host'?: boolean;
  /** `run` only: seconds. */
  lease?: string;
}

/** Exactly one way to name the lock; the library's own checks give the messages for bad names and ports. */
export function lockFrom(values: LockArgs): PidLock {
  const byName = values.name !== undefined;
  const byPath = values.path !== undefined;
  if (byName && byPath) throw new UsageError('give either --name (with --port/--dir) or --path, not both');
  if (!byName && !byPath) throw new UsageError('name the lock: add --name NAME [--port PORT] [--dir DIR], or --path FILE');
  if (byPath && (values.port !== undefined || values.dir !== undefined)) {
    throw new UsageError('--port and --dir go with --name; with --path, put the whole file path in --path');
  }
  // Only when given: an absent flag leaves the library's default.
  const singleHost = values['single-host'] ? { singleHost: true } : {};
  if (values.lease !== undefined) Object.assign(singleHost, { lease: parseLease(values.lease) });
  try {
    if (byPath) return new PidLock({ path: values.path as string, ...singleHost });
    const options = { name: values.name as string, port: values.port, dir: values.dir, ...singleHost };
    lockFilePath(options);
    return new PidLock(options);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_')) throw new UsageError((e as Error).message);
    throw e;
  }
}

/**
 * parseArgs reads `--wait -1` as an option with no value followed by an option
 * '-1', so the user would hear "needs a value". After an option that takes a
 * value, a token that reads as a negative number is its value: the option's own
 * check then says what is wrong with it. Nothing after '--' is touched.
 */
export function negativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return out.concat(args.slice(i));
    const option = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && /^-\.?[0-9]/.test(args[i + 1] ?? '')) {
      out.push(`${arg}=${args[++i]}`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** `--lease SECONDS`: a whole number of seconds, at least 1 (the library's lease in ms). */
function parseLease(text: string): number {
  const seconds = /^[0-9]{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(seconds >= 1 && seconds * 1000 <= MAX_TIMER_MS)) {
    throw new UsageError(`invalid --lease '${text}': use a whole number of seconds from 1 to ${Math.floor(MAX_TIMER_MS / 1000)}`);
  }
  return seconds * 1000;
}

/** The longest --wait short of "inf": the library's timer limit, in whole seconds. */
const MAX_WAIT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/** Seconds, as flock(1) takes them: a decimal number >= 0, or "inf" to wait for ever. */
export function parseWait(text: string | undefined): number {
  if (text === undefined) return 0;
  if (/^(inf|infinity)$/i.test(text)) return Infinity;
  const invalid = (why: string) =>
    new UsageError(`invalid --wait '${text}': ${why}use a number of seconds >= 0 (e.g. --wait 30), or --wait inf`);
  // Decimal only: Number() would also take '0x10' (16), '1e3' and ' 5 '.
  if (/^-[0-9.]/.test(text) && Number.isFinite(Number(text))) throw invalid('a wait cannot be negative; ');
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) {
    throw invalid(/[xobe]/i.test(text) && Number.isFinite(Number(text)) ? 'write the seconds in decimal; ' : '');
  }
  const seconds = Number(text);
  if (seconds > MAX_WAIT_SECONDS) {
    throw new UsageError(`invalid --wait '${text}': at most ${MAX_WAIT_SECONDS} seconds (about 24 days); to wait for ever, use --wait inf`);
  }
  return seconds;
}
