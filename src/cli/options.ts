import type { ParseArgsConfig } from 'node:util';
import { lockFilePath, PidLock } from '../index';

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
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new UsageError(`option '${quoted.split(' ')[0]}' needs a value, as in '${quoted.split(' ')[0]} VALUE'`);
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
  try {
    if (byPath) return new PidLock({ path: values.path as string });
    const options = { name: values.name as string, port: values.port, dir: values.dir };
    lockFilePath(options);
    return new PidLock(options);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('ERR_')) throw new UsageError((e as Error).message);
    throw e;
  }
}

/** Seconds, as flock(1) takes them: a number >= 0, or "inf" to wait for ever. */
export function parseWait(text: string | undefined): number {
  if (text === undefined) return 0;
  if (/^(inf|infinity)$/i.test(text)) return Infinity;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`invalid --wait '${text}': use a number of seconds >= 0 (e.g. --wait 30), or --wait inf`);
  }
  return seconds;
}
