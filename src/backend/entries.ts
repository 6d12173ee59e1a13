import fs = require('node:fs');

/**
 * The names beside a lock, for both backends: deleting one, and listing the
 * directory. The addon has no calls for these because it would make the same
 * system calls as Node's fs, on a name that nobody holds a handle to.
 */

/**
 * Deletes `file`; false: there was no such name. Windows keeps the name of a
 * deleted file visible ("delete pending") while anyone still has it open, so
 * a process may find and act on a file whose deletion is already done:
 * deleting it again is that false. Throws errno-style errors.
 */
export function unlink(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * The names in `dir`, or null when its size (st_size) is over `maxBytes` or it
 * cannot be read. Windows reports 0 for a directory: unknown, so it is read.
 */
export function list(dir: string, maxBytes: number): readonly string[] | null {
  try {
    return fs.statSync(dir).size <= maxBytes ? fs.readdirSync(dir) : null;
  } catch {
    return null;
  }
}
