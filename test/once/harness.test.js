'use strict';
// The test harness itself: what it reports of a child must be all the child wrote.
const test = require('node:test');
const assert = require('node:assert/strict');
const { fixture, startChild } = require('../helpers');

test(
  "startChild: exited holds the child's last line, even one that reaches the pipe after the child is reaped",
  { skip: process.platform === 'win32' && 'the fixture uses sh' },
  async () => {
    const c = startChild(fixture('late-line.js'));
    assert.equal(await c.firstLine, 'first');
    assert.equal(await c.nextLine(), 'last', 'nextLine() must not give up when the child exits');
    const { code, out } = await c.exited;
    assert.equal(code, 0);
    assert.equal(out, 'first\nlast\n');
  },
);

test(
  'startChild: exited waits for the output even when no one asked for a line',
  { skip: process.platform === 'win32' && 'the fixture uses sh' },
  async () => {
    const { out } = await startChild(fixture('late-line.js')).exited;
    assert.equal(out, 'first\nlast\n');
  },
);
