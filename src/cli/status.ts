import { parseArgs } from 'node:util';
import { lockStatus, type LockStatus } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, LOCK_OPTIONS, lockFrom, negativeValues, parse } from './options';
import { aliveColour, aliveWord, json, out, paint } from './output';

const STATE_COLOUR = { held: 'green', stale: 'yellow', free: 'dim' } as const;

function printReport(r: LockStatus): void {
  const o = process.stdout;
  out(`path:   ${r.path}`);
  out(`state:  ${paint(o, STATE_COLOUR[r.state], r.state)}`);
  out(`pid:    ${r.pid ?? '-'}`);
  out(`alive:  ${r.pid === null ? '-' : paint(o, aliveColour(r.alive), aliveWord(r.alive))}`);
  out(`stale:  ${r.stale}`);
  out(`reason: ${r.reason}`);
  if (r.origin !== null) out(`origin: ${r.origin}${r.host === null ? '' : ` (host ${r.host})`}`);
}

export function status(args: string[]): number {
  const { values } = parse('status', () =>
    parseArgs({ args: negativeValues(args, LOCK_OPTIONS), options: { ...LOCK_OPTIONS, ...COMMON_OPTIONS }, strict: true }),
  );
  const report = lockStatus({ path: lockFrom(values).path, singleHost: values['single-host'] === true });
  if (values.json) json(report);
  else printReport(report);
  return report.state === 'held' ? EXIT.OK : EXIT.NO;
}
