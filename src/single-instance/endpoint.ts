// Where the first instance listens: a Unix socket in a private directory beside
// the lock, or a named pipe on Windows; and the ownership checks that make
// sending to it safe.
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { sha256Hex } from '../sha256';
import { SingleInstanceError } from './errors';

/** sun_path is 108 bytes on Linux and 104 on macOS, NUL included; keep clear of both. */
const SUN_PATH_MAX = 100;
const SOCKET_NAME = 's';

export interface Endpoint {
  /** What net.connect / server.listen take: a socket path, or a Windows pipe name. */
  address: string;
  /** The private directory holding the socket (POSIX only). */
  dir: string | null;
}

function hash(text: string): string {
  return sha256Hex(text).slice(0, 24);
}

/**
 * Where the first instance of the lock at `lockPath`, run by `uid`, listens.
 * The uid is part of the name so that one user's leftovers never block
 * another user's first instance; a second instance reads it from the lock
 * file's owner.
 */
export function endpointFor(lockPath: string, uid: number): Endpoint {
  if (process.platform === 'win32') {
    // Pipe names are case-insensitive like the paths they stand for.
    return { address: `\\\\.\\pipe\\pidlock-si-${hash(lockPath.toLowerCase())}`, dir: null };
  }
  const beside = `${lockPath}-si.${uid}`;
  if (Buffer.byteLength(path.join(beside, SOCKET_NAME)) <= SUN_PATH_MAX) {
    return { address: path.join(beside, SOCKET_NAME), dir: beside };
  }
  const short = path.join(os.tmpdir(), `pidlock-si-${hash(`${lockPath}\0${uid}`)}`);
  if (Buffer.byteLength(path.join(short, SOCKET_NAME)) > SUN_PATH_MAX) {
    throw new SingleInstanceError(
      'ERR_SINGLE_INSTANCE_UNSAFE_DIR',
      `no socket path short enough for '${lockPath}': set TMPDIR to a shorter directory`,
    );
  }
  return { address: path.join(short, SOCKET_NAME), dir: short };
}

export function ownUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1;
}

/** The uid of the lock file's owner, i.e. of the first instance; null if the file is gone. */
export function holderUid(lockPath: string): number | null {
  if (process.platform === 'win32') return -1;
  try {
    return fs.lstatSync(lockPath).uid;
  } catch {
    return null;
  }
}

/**
 * Creates the socket directory with mode 0700, or accepts an existing one
 * only if it is a real directory of ours, so nobody else can connect, plant a
 * socket or redirect us through a symlink. Removes a socket left by a crashed
 * first instance: we hold the lock, so no live first instance owns it.
 */
export function prepare(endpoint: Endpoint): void {
  const { dir } = endpoint;
  if (dir === null) return;
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const st = fs.lstatSync(dir);
  if (!st.isDirectory() || st.uid !== ownUid()) {
    throw new SingleInstanceError(
      'ERR_SINGLE_INSTANCE_UNSAFE_DIR',
      `'${dir}' is not a directory owned by this user; remove it so the first instance can listen`,
    );
  }
  if ((st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
  try {
    fs.unlinkSync(endpoint.address);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Before a second instance connects: is the socket there one of our own first
 * instances made? true: connect; false: not there yet, or its directory not
 * yet made private (the first instance is starting), so try again; throws
 * ERR_SINGLE_INSTANCE_UNSAFE_DIR when someone else made the directory or the
 * socket, which no first instance of ours would use.
 *
 * Why lstat of the directory is enough without the peer's credentials (Node
 * has no SO_PEERCRED): a directory that is ours, mode 0700 and not a symlink
 * lets only us (and root) create, rename or remove entries in it, so the
 * socket we then connect to by name cannot be swapped for another user's. The
 * directory itself can only be renamed away by someone who may write to its
 * parent: in the sticky temp directory that is us and root; a parent that other
 * users may write to without the sticky bit is a documented limit.
 */
export function isOurs(endpoint: Endpoint): boolean {
  const { dir, address } = endpoint;
  // Windows: a pipe's server cannot be identified from Node (a documented limit).
  if (dir === null) return true;
  const unsafe = (what: string) =>
    new SingleInstanceError(
      'ERR_SINGLE_INSTANCE_UNSAFE_DIR',
      `${what}, not by this user (uid ${ownUid()}): refusing to send to it; remove it if it is left over`,
    );
  const d = lstatIfThere(dir);
  if (d === null) return false;
  if (!d.isDirectory() || d.uid !== ownUid()) throw unsafe(`'${dir}' was made by uid ${d.uid}, or is not a directory`);
  if ((d.mode & 0o077) !== 0) return false;
  const s = lstatIfThere(address);
  if (s === null) return false;
  if (!s.isSocket() || s.uid !== ownUid()) throw unsafe(`'${address}' was made by uid ${s.uid}, or is not a socket`);
  return true;
}

/** lstat, or null when nothing is there (no first instance has made it yet). */
function lstatIfThere(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function cleanup(endpoint: Endpoint): void {
  if (endpoint.dir === null) return;
  for (const remove of [() => fs.unlinkSync(endpoint.address), () => fs.rmdirSync(endpoint.dir as string)]) {
    try {
      remove();
    } catch {
      // Left behind, it is removed by the next first instance.
    }
  }
}
