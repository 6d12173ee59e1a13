// Command-line parsing shared by the commands: the option tables, parseArgs
// with one-line errors, the lock named by --name/--port/--dir or --path, and the
// --wait, --lease and --conflict-exit-code values.
import path = require('node:path');
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { lockFilePath, PidLock } from '../index';
import { EXIT } from './exit';
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

/** run's own, with flock(1)'s short names. */
export const RUN_OPTIONS = {
  wait: { type: 'string', short: 'w' },
  quiet: { type: 'boolean', short: 'q' },
  'conflict-exit-code': { type: 'string', short: 'E' },
  lease: { type: 'string' },
} as const satisfies Options;

export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/**
 * The candidate closest to a mistyped word, if one is close enough to be what
 * was meant: at most two edits (a swap of neighbours is one), and fewer than
 * half the candidate's letters.
 */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance && d <= 2 && d * 2 < c.replace(/^-+/, '').length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** " did you mean 'X'?" when a candidate is close, else "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const near = closest(word, candidates);
  return near === null ? '' : ` did you mean '${near}'?`;
}

/** Every spelling of the options: --long, and -s where there is one. */
function spellings(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

interface ParseConfig {
  args: string[];
  options: Options;
  allowPositionals?: boolean;
}

/**
 * parseArgs in strict mode (negative numbers read as values, see
 * negativeValues), with its multi-sentence errors turned into one line that
 * says what to do.
 */
export function parse<T extends ParseConfig>(command: string, config: T): ReturnType<typeof parseArgs<T & { strict: true }>> {
  try {
    return parseArgs({ ...config, args: negativeValues(config.args, config.options), strict: true });
  } catch (e) {
    const error = e as Error & { code?: string };
    const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
    const see = `see 'pidlock ${command} --help'`;
    switch (error.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown option '${quoted}';${didYouMean(quoted.split('=')[0], spellings(config.options))} ${see}`);
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

/**
 * Exactly one way to name the lock, resolved once to its absolute path; the
 * library's own checks give the messages for bad names and ports.
 */
export function lockPathFrom(values: LockArgs): string {
  const byName = values.name !== undefined;
  const byPath = values.path !== undefined;
  if (byName && byPath) throw new UsageError('give either --name (with --port/--dir) or --path, not both');
  if (!byName && !byPath) throw new UsageError('name the lock: add --name NAME [--port PORT] [--dir DIR], or --path FILE');
  if (byPath && (values.port !== undefined || values.dir !== undefined)) {
    throw new UsageError('--port and --dir go with --name; with --path, put the whole file path in --path');
  }
  if (byPath) {
    // A command line cannot carry a NUL byte, so the empty path is the one bad one.
    if (values.path === '') throw new UsageError("--path needs a file, as in '--path /tmp/job.pid'");
    return path.resolve(values.path as string);
  }
  try {
    return lockFilePath({ name: values.name as string, port: values.port, dir: values.dir });
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_')) throw new UsageError((e as Error).message);
    throw e;
  }
}

/** The lock `run` takes: its path from lockPathFrom, and --single-host and --lease when given. */
export function lockFrom(values: LockArgs): PidLock {
  const lockPath = lockPathFrom(values);
  // Only when given: an absent flag leaves the library's default.
  const policy = values['single-host'] ? { singleHost: true } : {};
  if (values.lease !== undefined) Object.assign(policy, { lease: parseLease(values.lease) });
  return new PidLock({ path: lockPath, ...policy });
}

/**
 * parseArgs reads `--wait -1` as an option with no value followed by an option
 * '-1', so the user would hear "needs a value". After an option that takes a
 * value, a token that reads as a negative number is its value: the option's own
 * check then says what is wrong with it. Nothing after '--' is touched.
 */
export function negativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  const byShort = new Map<string, Options[string]>(Object.values(options).flatMap((o) => (o.short ? [[`-${o.short}`, o] as const] : [])));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return out.concat(args.slice(i));
    const option = arg.startsWith('--') ? options[arg.slice(2)] : byShort.get(arg);
    if (option?.type === 'string' && /^-\.?[0-9]/.test(args[i + 1] ?? '')) {
      // A short option takes its value glued on: -w-1.
      out.push(arg.startsWith('--') ? `${arg}=${args[++i]}` : `${arg}${args[++i]}`);
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

/** --conflict-exit-code, as flock -E takes it: the exit code when the lock is busy (default EX_TEMPFAIL). */
export function parseExitCode(text: string | undefined): number {
  if (text === undefined) return EXIT.BUSY;
  if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 255) {
    throw new UsageError(`invalid --conflict-exit-code '${text}': use an integer from 0 to 255 (default ${EXIT.BUSY})`);
  }
  return Number(text);
}
