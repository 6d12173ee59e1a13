import { lockStatus, removeStaleLock } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockFrom, parse } from './options';
import { err, json, out } from './output';

type Action = 'removed' | 'none' | 'kept';

export function clean(args: string[]): number {
  const { values } = parse('clean', { args, options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS } });
  const path = lockFrom(values).path;
  const before = lockStatus(path);
  let action: Action = before.state === 'free' ? 'none' : 'kept';
  let message = before.state === 'free' ? `no lock at ${path}; nothing to do` : `lock ${path} is held (${before.reason}); left it alone`;
  if (before.state === 'stale') {
    const problems: string[] = [];
    const gone = removeStaleLock(path, (w) => problems.push(w.message));
    for (const p of problems) err(`pidlock clean: ${p}`);
    if (problems.length > 0) return EXIT.ERROR;
    // false: another process replaced the stale file with a live lock meanwhile.
    const after = lockStatus(path);
    if (gone) {
      action = 'removed';
      message = `removed stale lock ${path} (${before.reason})`;
    } else {
      message = `lock ${path} was taken over meanwhile (${after.reason}); left it alone`;
    }
  }
  if (values.json) json({ path, action, pid: before.pid, reason: before.reason });
  else out(message);
  return action === 'kept' ? EXIT.NO : EXIT.OK;
}
