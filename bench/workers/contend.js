'use strict';
// One of N processes hammering one lock: acquire, prove exclusion, release, repeat.
// argv: <lib> <dir> <start at (monotonic ns)> <duration ms> <options JSON>.
// Exclusion is checked with an O_EXCL sentinel created while holding: EEXIST
// there means two processes held the lock at once.
const fs = require('node:fs');
const path = require('node:path');
const { waiters } = require('../lib/libs');

const [lib, dir, startArg, durationArg, json] = process.argv.slice(2);
const opts = JSON.parse(json);
const start = BigInt(startArg);
const end = start + BigInt(Number(durationArg) * 1e6);
const sentinel = path.join(dir, 'inside');
const nap = new Int32Array(new SharedArrayBuffer(4));

async function main() {
  const readyMs = Number(process.hrtime.bigint() - start) / 1e6;
  while (process.hrtime.bigint() < start) Atomics.wait(nap, 0, 0, 1);
  let count = 0;
  let violations = 0;
  let timeouts = 0;
  while (process.hrtime.bigint() < end) {
    const release = await waiters[lib](dir, opts);
    if (release === null) {
      timeouts++;
      continue;
    }
    let fd = -1;
    try {
      fd = fs.openSync(sentinel, 'wx');
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      violations++;
    }
    if (fd >= 0) {
      fs.closeSync(fd);
      fs.unlinkSync(sentinel);
    }
    await release();
    count++;
  }
  process.stdout.write(`${JSON.stringify({ count, violations, timeouts, readyMs })}\n`);
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
