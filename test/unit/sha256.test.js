'use strict';
// The tags in markers and temp names, and Windows pipe names, are SHA-256 hex
// digests (README, "the marker"): every pidlock process, whatever its version,
// must compute the same ones, so the plain-JS hash is held to node:crypto's.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { sha256Hex } = require('../../dist/internal.js');

const reference = (text) => crypto.createHash('sha256').update(text).digest('hex');

test('sha256Hex gives node:crypto digest for every length across the padding edges, and for non-ASCII text', () => {
  // 55/56 and 119/120 bytes: where the length field stops fitting in the last block.
  for (let n = 0; n <= 200; n++) {
    const text = 'a'.repeat(n);
    assert.equal(sha256Hex(text), reference(text), `${n} bytes`);
  }
  for (const text of ['', 'abc', 'pidlock-boot/1\0' + 'e4c1a0d6-3f1b-4a8e-9c2d-7b5f0e1a2c3d', 'é€😀', '\\\\.\\pipe\\x'.repeat(40)])
    assert.equal(sha256Hex(text), reference(text), JSON.stringify(text));
  for (let i = 0; i < 300; i++) {
    const text = crypto.randomBytes(Math.floor(Math.random() * 300)).toString('latin1');
    assert.equal(sha256Hex(text), reference(text), JSON.stringify(text));
  }
});
