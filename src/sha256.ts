// SHA-256 of a short string, in plain JS. The marker's tags, temp names and
// single-instance pipe names need a few hashes of short strings per process;
// loading node:crypto for them costs 9-25 ms of a cold start (it pulls in
// streams and OpenSSL's bindings), which a first tryAcquire() would pay.

let K: Uint32Array | null = null;
let H0: Uint32Array | null = null;

/** The first 32 bits of the fractional parts of the `root`th roots of the first `count` primes. */
function fractions(count: number, root: number): Uint32Array {
  const out = new Uint32Array(count);
  for (let n = 2, i = 0; i < count; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) if (n % d === 0) prime = false;
    if (!prime) continue;
    const r = n ** (1 / root);
    out[i++] = (r - Math.floor(r)) * 2 ** 32;
  }
  return out;
}

/** The hex SHA-256 digest of `text` (UTF-8), as node:crypto's createHash('sha256') gives it. */
export function sha256Hex(text: string): string {
  K ??= fractions(64, 3);
  H0 ??= fractions(8, 2);
  const bytes = Buffer.from(text, 'utf8');
  // The message, a 0x80 byte, zeros, and its length in bits as 64 bits big-endian.
  const blocks = Math.ceil((bytes.length + 9) / 64);
  const msg = Buffer.alloc(blocks * 64);
  bytes.copy(msg);
  msg[bytes.length] = 0x80;
  msg.writeUInt32BE(Math.floor(bytes.length / 0x20000000), msg.length - 8);
  msg.writeUInt32BE((bytes.length * 8) >>> 0, msg.length - 4);

  const h = Uint32Array.from(H0);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < msg.length; off += 64) {
    for (let t = 0; t < 16; t++) w[t] = msg.readUInt32BE(off + t * 4);
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 64; t++) {
      const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = (d + t1) >>> 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) >>> 0;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
  }
  let hex = '';
  for (const word of h) hex += word.toString(16).padStart(8, '0');
  return hex;
}
