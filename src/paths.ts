// Lock options to a lock path: names, ports, the default directory, and the
// validated lease and origin policy those options ask for.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { DEFAULT_POLICY, type OriginMode, type Policy } from './domain';
import { invalidArg, PidLockError, showValue } from './errors';
import { MAX_TIMER_MS } from './wait';

export interface LockPathOptions {
  name: string;
  port?: number | string;
  dir?: string;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string') {
    throw invalidArg(`name must be a string, received ${typeof name}`, 'ERR_INVALID_ARG_TYPE');
  }
  // Each of these could place the file outside the directory, or truncate its name.
  if (name === '' || /[\\/\0]/.test(name) || name.includes('..')) {
    throw invalidArg(`invalid lock name ${JSON.stringify(name)}: use a non-empty name without '/', '\\', '..' or NUL bytes`);
  }
  return name;
}

export function checkPort(port: unknown): string | undefined {
  if (port === undefined) return undefined;
  const ok =
    (typeof port === 'number' && Number.isInteger(port) && port >= 0 && port <= 65535) ||
    (typeof port === 'string' && /^[0-9]{1,5}$/.test(port) && Number(port) <= 65535);
  if (!ok) {
    const typed = typeof port === 'number' || typeof port === 'string';
    throw invalidArg(
      `invalid port ${showValue(port)}: use an integer from 0 to 65535 (a number or a decimal string)`,
      typed ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
      typeof port === 'number' ? RangeError : TypeError,
    );
  }
  return String(Number(port));
}

/** `.<name>_lock_<port>.pid`, the name the original design (and its Python users) expect. */
export function lockFileName(name: unknown, port?: unknown): string {
  const n = checkName(name);
  const p = checkPort(port);
  return p === undefined ? `.${n}_lock.pid` : `.${n}_lock_${p}.pid`;
}

function usable(dir: string): boolean {
  try {
    if (!fs.statSync(dir).isDirectory()) return false;
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fallbackDir(): string | null {
  let home: string;
  try {
    home = os.homedir();
  } catch {
    return null;
  }
  const dir = process.platform === 'win32' ? home : path.join(home, '.cache');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    // Judged below like any other candidate.
  }
  return usable(dir) ? dir : null;
}

/** The temp directory if it is a writable directory, else ~/.cache (home on Windows). */
export function defaultLockDir(): string {
  const tmp = os.tmpdir();
  if (usable(tmp)) return tmp;
  const fallback = fallbackDir();
  if (fallback !== null) return fallback;
  throw new PidLockError('EACCES', 'find a directory for', tmp, 'neither the temp directory nor the home directory is writable');
}

export function lockFilePath(options: LockPathOptions): string {
  if (typeof options !== 'object' || options === null) {
    throw invalidArg('options must be an object like { name, port?, dir? }', 'ERR_INVALID_ARG_TYPE');
  }
  const file = lockFileName(options.name, options.port);
  if (options.dir === undefined) return path.join(defaultLockDir(), file);
  if (typeof options.dir !== 'string' || options.dir === '' || options.dir.includes('\0')) {
    throw invalidArg('dir must be a non-empty string without NUL bytes', 'ERR_INVALID_ARG_VALUE');
  }
  return path.join(path.resolve(options.dir), file);
}

/** Where a lock may be written and read from (the README, "Where a lock was written: the marker"). */
export interface LockOriginOptions {
  /**
   * When the lock carries a marker of where it was written: 'auto' (default)
   * where a PID alone could mislead (a shared filesystem, a container, a
   * lease), 'always', or 'never' (a bare "PID\n" for readers that take the
   * whole file as the PID).
   */
  origin?: OriginMode;
  /**
   * The app declares that only this host uses the lock's directory, although
   * its filesystem is a shared one: an unmarked lock there is judged by local
   * PIDs, as on a local disk.
   */
  singleHost?: boolean;
}

/** How every entry point names a lock: the file itself, or a name (and port, directory). */
export type LockOptions = ({ path: string } | LockPathOptions) & LockOriginOptions;

/** PidLock's `lease` option, in ms; null: none. */
export function leaseOf(options: unknown): number | null {
  const lease = (options as { lease?: unknown }).lease;
  if (lease === undefined) return null;
  if (typeof lease !== 'number') {
    throw invalidArg(`lease must be a number of ms, received ${showValue(lease)}`, 'ERR_INVALID_ARG_TYPE');
  }
  // Whole seconds in the marker, refreshed every third of it: less than a second leaves no margin.
  if (!(lease >= 1000 && lease <= MAX_TIMER_MS)) {
    throw invalidArg(`lease must be from 1000 to ${MAX_TIMER_MS} ms, received ${lease}`, 'ERR_OUT_OF_RANGE', RangeError);
  }
  return lease;
}

const ORIGINS: readonly OriginMode[] = ['auto', 'always', 'never'];

/** The writing and judging policy that lock options ask for; validated. */
export function policyOf(options: unknown): Policy {
  if (typeof options !== 'object' || options === null) return DEFAULT_POLICY;
  const o = options as LockOriginOptions;
  if (o.origin !== undefined && !ORIGINS.includes(o.origin)) {
    throw invalidArg(
      `invalid origin ${showValue(o.origin)}: use 'auto' (a marker where it is needed), 'always' or 'never'`,
      typeof o.origin === 'string' ? 'ERR_INVALID_ARG_VALUE' : 'ERR_INVALID_ARG_TYPE',
    );
  }
  if (o.singleHost !== undefined && typeof o.singleHost !== 'boolean') {
    throw invalidArg(`singleHost must be a boolean, received ${showValue(o.singleHost)}`, 'ERR_INVALID_ARG_TYPE');
  }
  if (o.origin === undefined && o.singleHost === undefined) return DEFAULT_POLICY;
  return { ...DEFAULT_POLICY, origin: o.origin ?? 'auto', singleHost: o.singleHost ?? false };
}

/**
 * The one reader of lock options (PidLock, lockStatus, requestSingleInstance,
 * the CLI): the absolute lock path they name.
 */
export function lockPathOf(options: unknown): string {
  if (typeof options !== 'object' || options === null) {
    throw invalidArg('options must be an object: { path } or { name, port?, dir? }', 'ERR_INVALID_ARG_TYPE');
  }
  const o = options as Partial<{ path: unknown }>;
  return o.path !== undefined ? checkLockPath(o.path) : lockFilePath(options as LockPathOptions);
}

export function checkLockPath(p: unknown): string {
  if (typeof p !== 'string' || p === '' || p.includes('\0')) {
    throw invalidArg('path must be a non-empty string without NUL bytes', 'ERR_INVALID_ARG_VALUE');
  }
  return path.resolve(p);
}
