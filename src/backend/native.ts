import { candidates, dlopen, exists, packageRoot, remedy } from './addon';
import { MAX_CONTENT } from './format';
import { holdsOpen, sameUser } from './procfs';
import { tmpPath } from './sidefiles';
import { codeOf, errnoOf } from './syserror';
import type { Backend, DirKind, FileState, Held, Removed, WakeApi } from './types';
import { watchLock } from './watch';

/** The addon's exports (native/addon.cc). Errors carry the platform's raw number as `sysErrno`. */
interface Addon extends WakeApi {
  headBytes: number;
  /** Writes [alive: 1, 0 or NaN, start ms or NaN] into `out`. */
  probe(pid: number, out: Float64Array): void;
  /** `tmp` is used only where link() publishes (POSIX without O_TMPFILE). */
  publish(path: string, tmp: string, content: string): Held;
  inspect(path: string): FileState | null;
  remove(path: string, handle: number): Removed;
  close(handle: number): void;
  touch(handle: number): void;
  /** null: this platform's native code does not tell (Linux: fsinfo.ts reads statfs itself). */
  dirKind(dir: string): DirKind | null;
}

const EXPORTS = ['probe', 'publish', 'inspect', 'remove', 'close', 'touch', 'dirKind'] as const;
const WAKE_EXPORTS = [
  'watchExit',
  'watchFile',
  'closeExitWatch',
  'closeFileWatch',
  'waitWatches',
  'trapSignals',
  'untrapSignals',
  'armExitWatch',
  'disarmExitWatch',
] as const;

function checkShape(addon: Partial<Addon> | null | undefined): Addon {
  // A foreign or stubbed binary (or a runtime that returns {}) must not pass for ours.
  for (const name of EXPORTS) {
    if (typeof addon?.[name] !== 'function') throw new Error(`pidlock native addon lacks ${name}()`);
  }
  // The size rule (a file larger than MAX_CONTENT is never a lock) needs the whole first line of any lock.
  if (addon?.headBytes !== MAX_CONTENT)
    throw new Error(`pidlock native addon reads ${addon?.headBytes} bytes of a lock, this package ${MAX_CONTENT}`);
  return addon as Addon;
}

/** The addon, or an error naming every file looked for, why each failed, and the fix. */
function loadAddon(env: NodeJS.ProcessEnv): Addon {
  const tried: string[] = [];
  const explicit = env.PIDLOCK_NATIVE_PATH;
  if (explicit) {
    try {
      return checkShape(dlopen(explicit) as Partial<Addon>);
    } catch (err) {
      throw loadFailure([`PIDLOCK_NATIVE_PATH=${explicit}: ${(err as Error).message}`], err);
    }
  }
  let lastError: unknown;
  for (const c of candidates(env)) {
    if (!exists(c.file)) {
      tried.push(`${c.file} (${c.why}): not found`);
      continue;
    }
    try {
      return checkShape(dlopen(c.file) as Partial<Addon>);
    } catch (err) {
      lastError = err;
      tried.push(`${c.file} (${c.why}): ${(err as Error).message}`);
    }
  }
  // Other layouts node-gyp-build knows (build/Debug, runtime-tagged prebuilds), for an
  // unbundled package only: a bundle has no package root to search.
  const root = packageRoot();
  if (root !== undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return checkShape((require('node-gyp-build') as (dir: string) => unknown)(root) as Partial<Addon>);
    } catch (err) {
      tried.push(`node-gyp-build(${root}): ${(err as Error).message.split('\n')[0]}`);
      lastError ??= err;
    }
  }
  throw loadFailure(tried, lastError);
}

function loadFailure(tried: string[], cause: unknown): Error & { code?: string } {
  const err: Error & { code?: string } = new Error(
    `pidlock-native: no native addon for ${process.platform}-${process.arch} loaded. Looked for:\n  ` +
      (tried.length ? tried.join('\n  ') : '(no candidate location: bundled without a known directory)') +
      `\n${remedy()}`,
    cause === undefined ? undefined : { cause },
  );
  // The dlopen error's code when a file was there but did not load; a caller can tell
  // "absent" from "broken" without parsing the text.
  err.code = (cause as { code?: string } | undefined)?.code ?? 'PIDLOCK_NO_ADDON';
  return err;
}

const windows = process.platform === 'win32';

/**
 * An addon error carries the platform's raw number (`sysErrno`); here it gets
 * the `code`, `errno` and message Node's own fs errors would have.
 */
function asNodeError(err: unknown): unknown {
  const e = err as Error & { sysErrno?: unknown; code?: string; errno?: number; syscall?: string; path?: string };
  if (typeof e !== 'object' || e === null || typeof e.sysErrno !== 'number') return err;
  const code = codeOf(e.sysErrno);
  e.code = code;
  e.errno = windows ? errnoOf(code) : -e.sysErrno;
  e.message = `${code}: ${e.message}`;
  return e;
}

/** Throws when no usable binary loads; the caller then falls back to the JS backend. */
export function loadNativeBackend(env: NodeJS.ProcessEnv = process.env): Backend {
  const a = loadAddon(env);
  // One probe's answer, written by the addon without allocating: [alive, start ms];
  // alive 1 / 0 / NaN (unknown), start NaN when unknown.
  const cell = new Float64Array(2);
  return {
    name: 'native',
    probe(pid) {
      a.probe(pid, cell);
      const alive = cell[0];
      const start = cell[1];
      return { alive: alive === 1 ? true : alive === 0 ? false : null, startMs: Number.isNaN(start) ? null : start };
    },
    publish(file, content) {
      try {
        // Windows creates the lock in place (see native/lockfile_win.cc): no temp name.
        return a.publish(file, windows ? '' : tmpPath(file), content);
      } catch (err) {
        throw asNodeError(err);
      }
    },
    inspect(file) {
      try {
        return a.inspect(file);
      } catch (err) {
        throw asNodeError(err);
      }
    },
    remove(file, held) {
      try {
        return a.remove(file, held.handle);
      } catch (err) {
        throw asNodeError(err);
      }
    },
    close(held) {
      a.close(held.handle);
      held.handle = -1;
    },
    touch(held) {
      try {
        a.touch(held.handle);
      } catch (err) {
        throw asNodeError(err);
      }
    },
    dirKind: (dir) => a.dirKind(dir),
    descriptor(held) {
      return windows || held.handle < 0 ? null : held.handle;
    },
    // /proc/<pid>/fd, read the same way for both backends.
    holdsOpen,
    sameUser,
    watchLock,
    // An older binary without them still locks correctly; its waiters only poll.
    wake: WAKE_EXPORTS.every((name) => typeof a[name] === 'function') ? a : undefined,
  };
}
