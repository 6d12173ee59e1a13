/**
 * The native Backend: the addon's exports (native/addon.cc) adapted to the
 * Backend verbs, with its errors given Node's codes. Finding and loading the
 * binary is addon.ts.
 */
import path = require('node:path');
import { MAX_CONTENT } from '../lockfile';
import { tmpPath } from '../sidefiles';
import { list, unlink } from './entries';
import { holdsOpen, sameUser } from './procfs';
import { codeOf, errnoOf } from './syserror';
import type { Backend, DirKind, Removed, WakeApi } from './types';
import { watchLock } from './watch';

/** The addon's exports (native/addon.cc). Errors carry the platform's raw number as `sysErrno`. */
interface Addon extends WakeApi {
  headBytes: number;
  /** Writes [alive: 1, 0 or NaN, start ms or NaN] into `out`. */
  probe(pid: number, out: Float64Array): void;
  /**
   * Returns the handle and writes [dev, ino] into `ids`. `tmp` is used only
   * where link() publishes (POSIX without O_TMPFILE): null when it was '' there.
   */
  publish(path: string, tmp: '', content: string, ids: BigUint64Array): number | null;
  publish(path: string, tmp: string, content: string, ids: BigUint64Array): number;
  /**
   * -1: no file. Else type (0 file, 1 dir, 2 other) | kernel lock (0 free,
   * 1 held, 2 cannot tell) << 2 | bytes read << 4, with [dev, ino, size, mtime
   * ns, ctime ns] written into `words` and the first bytes into `head`.
   */
  inspect(path: string, words: BigUint64Array, head: Uint8Array): number;
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

/** Takes the loaded exports only if they are ours and of this version (the loader's `accept`). */
export function checkShape(exports: unknown): Addon {
  const addon = exports as Partial<Addon> | null | undefined;
  // A foreign or stubbed binary (or a runtime that returns {}) must not pass for ours.
  for (const name of EXPORTS) {
    if (typeof addon?.[name] !== 'function') throw new Error(`pidlock native addon lacks ${name}()`);
  }
  // The size rule (a file larger than MAX_CONTENT is never a lock) needs the whole first line of any lock.
  if (addon?.headBytes !== MAX_CONTENT)
    throw new Error(`pidlock native addon reads ${addon?.headBytes} bytes of a lock, this package ${MAX_CONTENT}`);
  return addon as Addon;
}

const windows = process.platform === 'win32';
const TYPES = ['file', 'dir', 'other'] as const;
const KERNEL = [false, true, null] as const;

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

/** The loaded addon (checkShape's answer) behind the Backend verbs. */
export function nativeBackend(a: Addon): Backend {
  // One probe's answer, written by the addon without allocating: [alive, start ms];
  // alive 1 / 0 / NaN (unknown), start NaN when unknown.
  const cell = new Float64Array(2);
  // The same for publish() and inspect(): 64-bit answers, times read signed.
  const words = new BigUint64Array(5);
  const signed = new BigInt64Array(words.buffer);
  const head = Buffer.alloc(MAX_CONTENT);
  // The directories where a publish needed a temp name (no O_TMPFILE there):
  // later ones there pass one at once instead of asking again.
  const named = new Set<string>();
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
        // Windows creates the lock in place (see native/lockfile_win.cc), and
        // Linux's O_TMPFILE needs no name: a temp name is built only when asked for.
        const dir = path.dirname(file);
        let handle = named.has(dir) ? null : a.publish(file, '', content, words);
        if (handle === null) {
          named.add(dir);
          handle = a.publish(file, tmpPath(file), content, words);
        }
        return { handle, dev: words[0], ino: words[1] };
      } catch (err) {
        throw asNodeError(err);
      }
    },
    inspect(file) {
      let got;
      try {
        got = a.inspect(file, words, head);
      } catch (err) {
        throw asNodeError(err);
      }
      if (got < 0) return null;
      return {
        type: TYPES[got & 3],
        dev: words[0],
        ino: words[1],
        size: Number(words[2]),
        mtimeNs: signed[3],
        ctimeNs: signed[4],
        head: Buffer.from(head.subarray(0, got >> 4)),
        kernelHeld: KERNEL[(got >> 2) & 3],
      };
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
    unlink,
    list,
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
