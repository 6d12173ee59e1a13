import { parseArgs } from 'node:util';
import { isProcessAlive } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, parse, UsageError } from './options';
import { aliveColour, aliveWord, json, out, paint } from './output';

function toPid(text: string): number {
  const pid = Number(text);
  if (!/^[1-9][0-9]{0,9}$/.test(text) || pid > 4294967295) {
    throw new UsageError(`invalid PID '${text}': use a positive decimal integer, as in 'pidlock alive 1234'`);
  }
  return pid;
}

export function alive(args: string[]): number {
  const { values, positionals } = parse('alive', () => parseArgs({ args, options: COMMON_OPTIONS, strict: true, allowPositionals: true }));
  if (positionals.length === 0) throw new UsageError("give at least one PID, as in 'pidlock alive 1234'");
  const results = positionals.map(toPid).map((pid) => ({ pid, alive: isProcessAlive(pid) }));
  if (values.json) json(results);
  else for (const r of results) out(`${r.pid} ${paint(process.stdout, aliveColour(r.alive), aliveWord(r.alive))}`);
  return results.every((r) => r.alive === true) ? EXIT.OK : EXIT.NO;
}
