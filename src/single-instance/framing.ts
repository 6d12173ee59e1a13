import type { Socket } from 'node:net';

/**
 * One JSON value per line, each way. JSON never contains a raw newline, so the
 * first '\n' ends the message. The reader caps what it buffers: a peer cannot
 * make us hold more than `maxBytes`, however much it sends.
 */
export function encode(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value)}\n`);
}

export type LineResult = { line: string } | { tooLarge: true } | { closed: true };

export function readLine(socket: Socket, maxBytes: number, done: (result: LineResult) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (result: LineResult) => {
    if (finished) return;
    finished = true;
    socket.off('data', onData);
    socket.off('end', onEnd);
    socket.off('close', onEnd);
    done(result);
  };
  const onData = (chunk: Buffer) => {
    const nl = chunk.indexOf(0x0a);
    const take = nl < 0 ? chunk.length : nl;
    if (size + take > maxBytes) return finish({ tooLarge: true });
    chunks.push(nl < 0 ? chunk : chunk.subarray(0, nl));
    size += take;
    if (nl >= 0) finish({ line: Buffer.concat(chunks).toString('utf8') });
  };
  const onEnd = () => finish({ closed: true });
  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('close', onEnd);
}
