'use strict';
// Argument errors that sit above the backend: they run once.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { pkg } = require('../helpers');

test('a requestSingleInstance number option of another type names that type, never "[object Object]"', async () => {
  for (const [value, shown] of [
    [{}, 'object'],
    [[5], 'object'],
    ['10', 'string'],
    [-1, '-1'],
    [NaN, 'NaN'],
  ]) {
    for (const name of ['timeout', 'maxMessageBytes']) {
      await assert.rejects(pkg.requestSingleInstance({ name: 'x', [name]: value }), {
        name: 'RangeError',
        code: 'ERR_OUT_OF_RANGE',
        message: `${name} must be a finite number > 0, received ${shown}`,
      });
    }
  }
});
