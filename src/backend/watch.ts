// The lock's watch through fs.watch, the one the async waiter uses on either backend.
import fs = require('node:fs');
import path = require('node:path');
import type { LockWatch } from './types';

/**
 * acquire()'s watch on the lock, through fs.watch (no addon needed, so both
 * backends share it; libuv keeps one inotify instance per event loop however
 * many watches it holds).
 *
 * Linux watches the lock file's own inode: a release or a break unlinks it (its
 * link count changes), a successor's rename over it does the same, and other
 * entries of the directory never wake anyone. The watch exists before the
 * waiter's look, so whatever happens to that inode afterwards fires it, and the
 * look sees everything before. Elsewhere a file cannot be watched that way
 * (Windows: no file watches; macOS: a kqueue descriptor on the file, for each
 * watch, instead of one FSEvents stream), so the directory is watched and
 * events for other names are dropped.
 *
 * 'gone': nothing has the lock's name now (look again); null: cannot watch.
 */
export function watchLock(lockPath: string, onChange: () => void): LockWatch | 'gone' | null {
  const byFile = process.platform === 'linux';
  const name = path.basename(lockPath);
  let watcher: fs.FSWatcher;
  try {
    // Not persistent: the wait's timer keeps the process alive, not the watch.
    watcher = fs.watch(byFile ? lockPath : path.dirname(lockPath), { persistent: false }, (_event, file) => {
      // Some platforms do not name the file; then any change is worth a look.
      if (byFile || file === null || file === name) onChange();
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return byFile && (code === 'ENOENT' || code === 'ENOTDIR') ? 'gone' : null;
  }
  // The directory or the file went away, or the watch broke: a reason to look.
  watcher.on('error', onChange);
  return watcher;
}
