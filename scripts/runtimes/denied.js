'use strict';
// Tries a lock in argv[2], where the runtime grants no write, and prints what the
// error says as one JSON line: its code, its message, and the cause it keeps.
const { PidLock, backend } = require('../..');
try {
  new PidLock({ name: 'denied', dir: process.argv[2] }).tryAcquire();
  process.stdout.write(`${JSON.stringify({ backend, error: null })}\n`);
} catch (e) {
  const cause = e.cause ? { name: e.cause.name, message: e.cause.message } : null;
  process.stdout.write(`${JSON.stringify({ backend, error: { code: e.code, message: e.message }, cause })}\n`);
}
