import fs = require('node:fs');
import { MAX_CONTENT } from '../lockfile';
import { candidates, dlopen, exists, packageRoot, remedy } from './addon';
import type { Backend, FileState, Held, Removed, WakeApi } from './types';

// Plain N-API functions that never use `this`, so they may be passed around unbound.
interface Addon extends WakeApi {
  headBytes: number;
  isProcessAlive: (pid: number) => boolean | null;
  getProcessStartTime: (pid: number) => number | null;
  /** The start time (> 0) alive, 0 alive without a start time, -1 dead, -2 unknown. */
  probe: (pid: number) => number;
  publish: (path: string, tmp: string, content: string) => Held;
  inspect: (path: string) => FileState | null;
  remove: (path: string, handle: number) => Removed;
  close: (handle: number) => void;
}

const EXPORTS = ['isProcessAlive', 'getProcessStartTime', 'probe', 'publish', 'inspect', 'remove', 'close'] as const;
const WAKE_EXPORTS = ['watchExit', 'watchDir', 'closeExitWatch', 'closeDirWatch', 'waitWatches', 'armExitWatch', 'disarmExitWatch'] as const;

function checkShape(addon: Partial<Addon> | null | undefined): Addon {
  // A foreign or stubbed binary (or a runtime that returns {}) must not pass for ours.
  for (const name of EXPORTS) {
    if (typeof addon?.[name] !== 'function') throw new Error(`pidlock native addon lacks ${name}()`);
  }
  // The size rule (a file larger than MAX_CONTENT is never a lock) needs the whole first line of any lock.
  if (addon?.headBytes !== MAX_CONTENT) throw new Error(`pidlock native addon reads ${addon?.headBytes} bytes of a lock, this package ${MAX_CONTENT}`);
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

/** Throws when no usable binary loads; the caller then falls back to the JS backend. */
export function loadNativeBackend(env: NodeJS.ProcessEnv = process.env): Backend {
  const a = loadAddon(env);
  const windows = process.platform === 'win32';
  return {
    name: 'native',
    isProcessAlive: a.isProcessAlive,
    getProcessStartTime: a.getProcessStartTime,
    probe(pid) {
      const v = a.probe(pid);
      return v > 0 ? { alive: true, startMs: v } : { alive: v === 0 ? true : v === -1 ? false : null, startMs: null };
    },
    publish(file, tmp, content) {
      const held = a.publish(file, tmp, content);
      if (windows) {
        // release() compares with fs.lstat, whose Windows dev/ino encoding is libuv's.
        const st = fs.lstatSync(file, { bigint: true });
        return { handle: held.handle, dev: st.dev, ino: st.ino };
      }
      return held;
    },
    inspect: a.inspect,
    remove: (file, held) => a.remove(file, held.handle),
    close: a.close,
    // An older binary without them still locks correctly; its waiters only poll.
    wake: WAKE_EXPORTS.every((name) => typeof a[name] === 'function') ? a : undefined,
  };
}
