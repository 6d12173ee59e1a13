// How the CLI writes: plain or coloured lines, JSON, and the words for liveness.
/** Colour only for a human at a terminal; pipes, files and --json get plain text. */
function colourOn(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export type Colour = keyof typeof CODES;

export function paint(stream: NodeJS.WriteStream, colour: Colour, text: string): string {
  return colourOn(stream) ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function json(value: unknown, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(`${JSON.stringify(value)}\n`);
}

/** true / false / unknown, the words `alive` and `status` print for isProcessAlive's answers. */
export function aliveWord(alive: boolean | null): string {
  return alive === null ? 'unknown' : String(alive);
}

export function aliveColour(alive: boolean | null): Colour {
  return alive === true ? 'green' : alive === false ? 'red' : 'yellow';
}
