import * as fs from 'node:fs';
import { PACKAGE_ROOT } from '../root';
import type { Backend, FileState, Held, WakeApi } from './types';

interface Addon extends WakeApi {
  isProcessAlive(pid: number): boolean | null;
  getProcessStartTime(pid: number): number | null;
  publish(path: string, tmp: string, content: string): Held;
  inspect(path: string): FileState | null;
  close(handle: number): void;
}

const EXPORTS = ['isProcessAlive', 'getProcessStartTime', 'publish', 'inspect', 'close'] as const;
const WAKE_EXPORTS = ['watchExit', 'watchDir', 'closeExitWatch', 'closeDirWatch', 'waitWatches', 'armExitWatch', 'disarmExitWatch'] as const;

/** Throws when no usable binary loads; the caller then falls back to the JS backend. */
export function loadNativeBackend(): Backend {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require('node-gyp-build')(PACKAGE_ROOT) as Partial<Addon>;
  // A foreign or stubbed binary (or a runtime that returns {}) must not pass for ours.
  for (const name of EXPORTS) {
    if (typeof addon[name] !== 'function') throw new Error(`pidlock native addon lacks ${name}()`);
  }
  const a = addon as Addon;
  const windows = process.platform === 'win32';
  return {
    name: 'native',
    isProcessAlive: a.isProcessAlive,
    getProcessStartTime: a.getProcessStartTime,
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
    close: a.close,
    // An older binary without them still locks correctly; its waiters only poll.
    wake: WAKE_EXPORTS.every((name) => typeof addon[name] === 'function') ? a : undefined,
  };
}
