// `pidlock alive PID...`: whether each PID is a running process.
import { isProcessAlive } from '../index';
import { EXIT } from './exit';
import { COMMON_OPTIONS, parse, UsageError } from './options';
import { aliveColour, aliveWord, json, out, paint } from './output';

/** Decimal digits only (Number() would take '0x10' and '1e3'); the library checks the range. */
function check(text: string): { pid: number; alive: boolean | null } {
  const invalid = () => new UsageError(`invalid PID '${text}': use a positive decimal integer, as in 'pidlock alive 1234'`);
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw invalid();
  const pid = Number(text);
  try {
    return { pid, alive: isProcessAlive(pid) };
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_OUT_OF_RANGE') throw invalid();
    throw e;
  }
}

export function alive(args: string[]): number {
  const { values, positionals } = parse('alive', { args, options: COMMON_OPTIONS, allowPositionals: true });
  if (positionals.length === 0) throw new UsageError("give at least one PID, as in 'pidlock alive 1234'");
  const results = positionals.map(check);
  if (values.json) json(results);
  else for (const r of results) out(`${r.pid} ${paint(process.stdout, aliveColour(r.alive), aliveWord(r.alive))}`);
  return results.every((r) => r.alive === true) ? EXIT.OK : EXIT.NO;
}
