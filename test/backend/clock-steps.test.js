'use strict';
// Deadlines while the wall clock steps (NTP, `date -s`, a VM resume): every
// wait gives up at its timeout as measured on a monotonic clock. Each waiter is
// a real process whose Date.now() steps an hour back or forward 200 ms into its
// wait (fixtures/clock-step.js). Measured on the wall clock, a step back made
// `timeout: 1500` wait an hour more, and a step forward gave up at once.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { root, tmpDir, fixture, startChild } = require('../helpers');

const HOUR = 3600_000;
const TIMEOUT_MS = 1500;
// A waiter still waiting this long reads the wall clock (scripts/cross/ci.sh scales bounds for emulation).
const SCALE = Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1);
const GIVE_UP_MS = 15_000 * SCALE;

async function lockHeld() {
  const file = path.join(tmpDir('pidlock-clock-'), 'job.pid');
  const holder = startChild(fixture('holder.js'), [file]);
  assert.match(await holder.firstLine, /^acquired /);
  return { file, holder };
}

/** Runs `script args` with the clock stepping by `by` ms; its exit code, stdout and the time it took (monotonic). */
async function withStep(by, script, args, env = {}) {
  const t0 = performance.now();
  const run = startChild(script, args, { env: { PIDLOCK_TEST_CLOCK_STEP_MS: String(by), ...env } });
  const timer = setTimeout(() => run.child.kill('SIGKILL'), GIVE_UP_MS);
  const end = await run.exited;
  clearTimeout(timer);
  return { ...end, elapsed: performance.now() - t0 };
}

for (const [mode, expected] of [
  ['sync', 'timeout'],
  ['async', 'timeout'],
  ['single-instance', 'ERR_SINGLE_INSTANCE_TIMEOUT'],
]) {
  test(`${mode}: a wall clock stepped an hour back or forward during the wait changes nothing; it gives up at its timeout`, async () => {
    const { file, holder } = await lockHeld();
    try {
      const runs = await Promise.all(
        [-HOUR, HOUR].map((by) => withStep(by, fixture('deadline-waiter.js'), [file, mode, String(TIMEOUT_MS)])),
      );
      for (const [i, r] of runs.entries()) {
        const step = i === 0 ? 'back' : 'forward';
        assert.equal(r.signal, null, `stepped ${step}: still waiting after ${GIVE_UP_MS} ms (a wall-clock deadline); ${r.err}`);
        assert.equal(r.code, 0, `stepped ${step}: ${r.err}`);
        const { outcome, ms } = JSON.parse(r.out);
        assert.equal(outcome, expected, `stepped ${step}`);
        assert.ok(ms >= TIMEOUT_MS - 1 && ms < TIMEOUT_MS + 8000 * SCALE, `stepped ${step}: gave up after ${ms} ms, not at ${TIMEOUT_MS}`);
      }
    } finally {
      holder.child.kill('SIGKILL');
    }
  });
}

test('pidlock run --wait 2: a wall clock stepped an hour back or forward during the wait changes nothing', async () => {
  const { file, holder } = await lockHeld();
  try {
    const args = ['run', '--path', file, '--wait', '2', '--', process.execPath, '-e', ''];
    const env = { NODE_OPTIONS: `--require ${fixture('clock-step.js')}`, PIDLOCK_TEST_CLOCK_ARM: 'cli' };
    const runs = await Promise.all([-HOUR, HOUR].map((by) => withStep(by, path.join(root, 'dist', 'cli.js'), args, env)));
    for (const [i, r] of runs.entries()) {
      const step = i === 0 ? 'back' : 'forward';
      assert.equal(r.signal, null, `stepped ${step}: still waiting after ${GIVE_UP_MS} ms; ${r.err}`);
      assert.equal(r.code, 75, `stepped ${step}: busy; ${r.err}`);
      assert.ok(r.elapsed >= 2000, `stepped ${step}: gave up after ${Math.round(r.elapsed)} ms, before its 2 s`);
    }
  } finally {
    holder.child.kill('SIGKILL');
  }
});
