// `pidlock clean`: removes a stale lock (with --force, also one whose owner
// cannot be checked from here) and says what it did.
import { lockStatus, removeStaleLock } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockPathFrom, parse } from './options';
import { err, json, out } from './output';

type Action = 'removed' | 'none' | 'kept';

export function clean(args: string[]): number {
  const { values } = parse('clean', { args, options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS, force: { type: 'boolean' } } });
  const path = lockPathFrom(values);
  const force = values.force === true;
  const singleHost = values['single-host'] === true;
  const before = lockStatus({ path, singleHost });
  let action: Action = before.state === 'free' ? 'none' : 'kept';
  let message = before.state === 'free' ? `no lock at ${path}; nothing to do` : `lock ${path} is held (${before.reason}); left it alone`;
  // --force also tries a held lock: the library removes it only if its owner cannot be checked from here.
  if (before.state === 'stale' || (force && before.state === 'held')) {
    const problems: string[] = [];
    const gone = removeStaleLock(path, { force, singleHost, onWarning: (w) => problems.push(w.message) });
    for (const p of problems) err(`pidlock clean: ${p}`);
    if (problems.length > 0) return EXIT.ERROR;
    // false: another process replaced the stale file with a live lock meanwhile.
    const after = lockStatus({ path, singleHost });
    if (gone) {
      action = 'removed';
      const why = before.reason.replace(/; if it is gone, run .*$/, '');
      message = `removed ${before.state === 'stale' ? 'stale' : 'unverifiable'} lock ${path} (${why})`;
    } else if (before.state === 'held') {
      message = `lock ${path} is held (${after.reason}); left it alone`;
    } else {
      message = `lock ${path} was taken over meanwhile (${after.reason}); left it alone`;
    }
  }
  if (values.json) json({ path, action, pid: before.pid, reason: before.reason });
  else out(message);
  return action === 'kept' ? EXIT.NO : EXIT.OK;
}
