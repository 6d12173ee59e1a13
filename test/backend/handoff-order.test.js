'use strict';
// A waiter in acquire() that is woken by a release resolves before it tidies
// up: closing its watch, clearing its timer and (unless its first wait's
// rehearsal left it running) starting the held-lock watchdog come a tick later
// (src/wake-async.ts, src/compromise.ts). A first hand-off runs that code
// cold, and it used to delay the caller.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, checkBackend, within } = require('../helpers');

test('an acquire() woken by a release resolves first, then closes its watch and clears its timer', async (t) => {
  const file = path.join(tmpDir(), 'order.pid');
  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.tryAcquire(), true);
  t.after(() => lock.release());
  const c = startChild(fixture('handoff-order.js'), [file]);
  t.after(() => c.child.kill('SIGKILL'));
  assert.equal(await c.firstLine, 'waiting');
  lock.release();
  const line = await within(c.nextLine(), 20000);
  assert.notEqual(line, 'late', `the waiter was not woken: ${c.output()} ${c.stderr()}`);
  const { order, backend } = JSON.parse(line);
  checkBackend(backend, 'the waiter');
  assert.equal(order[0], 'resolved true', `nothing ran between the wake and the resolution: ${order.join(', ')}`);
  for (const call of ['clearTimeout', 'watch closed']) {
    assert.ok(order.indexOf(call) > 0 && order.indexOf(call) < order.indexOf('a tick later'), `${call} ran after: ${order.join(', ')}`);
  }
  // The first wait's rehearsal started the watchdog; it stops once nothing has
  // been held for one period (2 s), and a slower wake starts it again, a tick later.
  const interval = order.indexOf('setInterval');
  assert.ok(interval === -1 || interval < order.indexOf('a tick later'), `setInterval ran after: ${order.join(', ')}`);
});
