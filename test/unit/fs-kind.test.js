'use strict';
// How a Linux statfs f_type is classified (src/backend/fsinfo.ts): shared,
// known local, or neither. Only a known local filesystem lets the rules that need
// one machine apply (a lock older than this boot, one kernel's flock table), and
// only where /proc/locks' naming of a file is known does "not listed" mean free.
const test = require('node:test');
const assert = require('node:assert/strict');

const { linuxFsKind } = require('../../dist/internal.js');

const ROWS = [
  ['ext4', 0xef53, { shared: null, local: true, locksDev: 'stat' }],
  ['xfs', 0x58465342, { shared: null, local: true, locksDev: 'stat' }],
  ['tmpfs', 0x01021994, { shared: null, local: true, locksDev: 'stat' }],
  ['vfat', 0x4d44, { shared: null, local: true, locksDev: 'stat' }],
  // Subvolumes and layers: st_dev is not what /proc/locks prints.
  ['btrfs', 0x9123683e, { shared: null, local: true, locksDev: 'mount' }],
  ['overlayfs', 0x794c7630, { shared: null, local: true, locksDev: 'unknown' }],
  ['nfs', 0x6969, { shared: 'nfs', local: false, locksDev: 'unknown' }],
  ['fuse', 0x65735546, { shared: 'fuse', local: false, locksDev: 'unknown' }],
  ['beegfs', 0x19830326, { shared: 'beegfs', local: false, locksDev: 'unknown' }],
  ['orangefs', 0x20030528, { shared: 'orangefs', local: false, locksDev: 'unknown' }],
  ['coda', 0x73757245, { shared: 'coda', local: false, locksDev: 'unknown' }],
  // Not known (a cluster filesystem this list lacks): neither shared nor local.
  ['unknown', 0x12345678, { shared: null, local: false, locksDev: 'unknown' }],
  // statfs f_type is signed on some ABIs: the same type, negative.
  ['cifs as a negative f_type', 0xff534d42 | 0, { shared: 'cifs', local: false, locksDev: 'unknown' }],
];

for (const [name, type, want] of ROWS) {
  test(`f_type ${name}`, () => {
    assert.deepEqual({ ...linuxFsKind(type) }, want);
  });
}

test('no type is both shared and local', () => {
  for (const [, type] of ROWS) {
    const k = linuxFsKind(type);
    assert.ok(!(k.shared !== null && k.local), String(type));
  }
});
