'use strict';
// The stale rules (src/rules.ts) as a table: judge() takes plain facts, so each
// rule and each edge is one row here, in memory, with no addon and no process.
// The real-process tests (test/*.test.js) prove that the facts are gathered right.
const test = require('node:test');
const assert = require('node:assert/strict');

const { judge, judgeSideFile, tmpCreatorHere, GRACE_MS, START_MARGIN_MS, MAX_CONTENT } = require('../../dist/internal.js');

const NOW = 1_700_000_000_000;
const OWN = 4242;
const OTHER = 1234;

/** A lock by a live other process, written 10 s ago by a process that started 20 s ago. */
const BASE = {
  pid: OTHER,
  size: 5,
  mtimeMs: NOW - 10_000,
  kernelHeld: null,
  kernelKnown: false,
  now: NOW,
  ownPid: OWN,
  processStartMs: NOW - 60_000,
  heldHere: false,
  alive: true,
  startMs: NOW - 20_000,
  holdsOpen: null,
  marker: null,
  ownTag: 'aaaaaaaaaaaa.bbbbbbbb',
  shared: null,
  local: true,
  initialPidNs: true,
  force: false,
  bootMs: NOW - 86_400_000,
};

/** Markers of our domain, of another PID namespace of this boot, and of another host (or boot). */
const OURS = { tag: 'aaaaaaaaaaaa.bbbbbbbb', kernel: false, leaseSec: null, host: 'here' };
const SIBLING = { tag: 'aaaaaaaaaaaa.cccccccc', kernel: true, leaseSec: null, host: 'box' };
const ELSEWHERE = { tag: 'dddddddddddd.bbbbbbbb', kernel: true, leaseSec: null, host: 'build-7' };

/**
 * Facts whose listed members throw when read: a rule that does not need a fact
 * must not ask for it, because assess() gathers it then (a probe, a /proc listing).
 */
function facts(over, unread = []) {
  const f = { ...BASE, ...over };
  for (const name of unread) {
    Object.defineProperty(f, name, {
      get() {
        throw new Error(`judge() read '${name}', which this rule does not need`);
      },
    });
  }
  return f;
}

const OWNER = ['alive', 'startMs', 'holdsOpen'];

// [README rule / edge, facts, facts that must not be read, expected verdict]
const ROWS = [
  // 1. A kernel lock proves a live holder, whatever the PID says.
  // It is asked last, only when the verdict would free the lock or call it uncheckable
  // (the JS backend reads /proc/locks for it), so the owner's facts come first.
  [
    '1 kernel lock held, owner PID dead',
    { kernelHeld: true, alive: false },
    ['startMs', 'holdsOpen', 'now', 'heldHere'],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '1 kernel lock held, no PID in the file',
    { kernelHeld: true, pid: null, mtimeMs: NOW - 60_000 },
    OWNER,
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  ['1 not read when the owner is running', {}, ['kernelHeld', 'now'], { stale: false, alive: true, reason: /is running/ }],
  ['1 not read for a young invalid lock', { pid: null, size: 0, mtimeMs: NOW - 10 }, ['kernelHeld', ...OWNER], { stale: false }],
  [
    '1 not read for our own lock held here',
    { pid: OWN, heldHere: true },
    ['kernelHeld', ...OWNER],
    { stale: false, reason: /held by this process/ },
  ],
  [
    "1 kernel lock held, own PID not open by us (another namespace's holder with our PID)",
    { pid: OWN, holdsOpen: false, kernelHeld: true },
    ['alive', 'startMs'],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '1 kernel lock held overrides a forced "cannot be checked": another host\'s marker',
    { marker: ELSEWHERE, kernelHeld: true, force: true },
    OWNER,
    { stale: false, alive: true, uncheckable: undefined, reason: /kernel lock/ },
  ],
  [
    '1 asked for "cannot be checked" where it is free (the native backend\'s test lock): held, alive',
    { marker: ELSEWHERE, kernelHeld: true, kernelKnown: true },
    OWNER,
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    "1 known held (the native backend's test lock): decided before any fact of the owner or the content",
    { kernelHeld: true, kernelKnown: true, pid: null, size: 0, mtimeMs: NOW - 60_000 },
    [...OWNER, 'now', 'heldHere', 'marker', 'shared', 'bootMs', 'initialPidNs'],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '1 free and not held, "cannot be checked" without force: still held, never forced',
    { marker: ELSEWHERE, kernelHeld: false, kernelKnown: true },
    OWNER,
    { stale: false, alive: null, uncheckable: true, reason: /if it is gone/ },
  ],
  [
    '1 not read for "cannot be checked" without force: held either way',
    { marker: ELSEWHERE },
    [...OWNER, 'kernelHeld'],
    { stale: false, alive: null, uncheckable: true },
  ],
  [
    '1 kernel lock held on a file over 64 bytes: held, not foreign',
    { kernelHeld: true, pid: null, size: 4096 },
    [...OWNER, 'now'],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '1 kernel lock free proves nothing: a live owner still holds',
    { kernelHeld: false },
    ['now'],
    { stale: false, alive: true, reason: /is running/ },
  ],
  [
    '1 kernel lock free, owner dead: stale',
    { kernelHeld: false, alive: false },
    ['now'],
    { stale: true, alive: false, reason: /not running/ },
  ],

  // 2. Invalid content: stale only after the grace period; a larger file never.
  ['2 empty file, just written', { pid: null, size: 0, mtimeMs: NOW - 10 }, OWNER, { stale: false, alive: null, reason: /young enough/ }],
  [
    '2 empty file exactly at the grace period: still held',
    { pid: null, size: 0, mtimeMs: NOW - GRACE_MS },
    OWNER,
    { stale: false, alive: null, reason: /young enough/ },
  ],
  [
    '2 empty file 1 ms past the grace period: stale',
    { pid: null, size: 0, mtimeMs: NOW - GRACE_MS - 1 },
    OWNER,
    { stale: true, alive: null, reason: /invalid content, older than/ },
  ],
  [
    '2 invalid content of exactly 64 bytes, old: stale',
    { pid: null, size: MAX_CONTENT, mtimeMs: NOW - 60_000 },
    OWNER,
    { stale: true, alive: null },
  ],
  [
    '2 clock: invalid content with an mtime in the future is young',
    { pid: null, size: 3, mtimeMs: NOW + 3_600_000 },
    OWNER,
    { stale: false, alive: null, reason: /young enough/ },
  ],
  [
    '2 clock: the wall clock stepped back an hour after an invalid write: still young',
    { pid: null, size: 3, mtimeMs: NOW + 500, now: NOW },
    OWNER,
    { stale: false },
  ],

  // Hardening: a file larger than any lock is someone's data.
  [
    'size: 65 bytes with no PID on the first line: foreign (EFTYPE), never stale',
    { pid: null, size: MAX_CONTENT + 1, mtimeMs: NOW - 60_000 },
    OWNER,
    { stale: false, foreign: true, reason: /not a lock file: 65 bytes/ },
  ],
  ['size: /etc/passwd-like file: foreign', { pid: null, size: 2048 }, OWNER, { stale: false, foreign: true }],
  [
    'size: multi-line pidfile, live first-line PID: held, not foreign',
    { size: 200 },
    [],
    { stale: false, alive: true, foreign: undefined, reason: /is running/ },
  ],
  [
    'size: multi-line pidfile, dead first-line PID: foreign, kept',
    { size: 200, alive: false },
    [],
    { stale: false, alive: false, foreign: true, reason: /not running/ },
  ],
  [
    'size: multi-line pidfile whose PID was reused: foreign, kept',
    { size: 200, startMs: BASE.mtimeMs + START_MARGIN_MS + 1, holdsOpen: false },
    [],
    { stale: false, alive: true, foreign: true, reason: /reused/ },
  ],
  [
    'size: multi-line pidfile with unknown liveness: held',
    { size: 200, alive: null },
    [],
    { stale: false, alive: null, foreign: undefined },
  ],
  [
    'size: a small pidfile is judged by its PID alone',
    { size: MAX_CONTENT, alive: false },
    [],
    { stale: true, alive: false, foreign: undefined },
  ],

  // 3. Our own PID.
  [
    '3 own PID, held by this module instance',
    { pid: OWN, heldHere: true },
    [...OWNER, 'now'],
    { stale: false, alive: true, reason: /held by this process/ },
  ],
  [
    '3 own PID, another thread has it open: held',
    { pid: OWN, holdsOpen: true, mtimeMs: NOW - 3_600_000 },
    ['alive', 'startMs', 'now'],
    { stale: false, alive: true, reason: /has the file open/ },
  ],
  [
    '3 own PID, no thread has it open: stale (a previous run)',
    { pid: OWN, holdsOpen: false },
    ['alive', 'startMs', 'now'],
    { stale: true, alive: true, reason: /no thread of it has the file open/ },
  ],
  [
    '3 clock: own PID, mtime in the future, not open: stale',
    { pid: OWN, holdsOpen: false, mtimeMs: NOW + 3_600_000 },
    ['alive', 'startMs'],
    { stale: true },
  ],
  [
    '3 clock: own PID, mtime before our start (clock stepped), open: held',
    { pid: OWN, holdsOpen: true, mtimeMs: BASE.processStartMs - 3_600_000 },
    ['alive', 'startMs'],
    { stale: false },
  ],
  [
    '3 /proc not ours: own PID, file older than this process: stale',
    { pid: OWN, holdsOpen: null, mtimeMs: BASE.processStartMs - 1 },
    ['alive', 'startMs', 'now'],
    { stale: true, alive: true, reason: /predates it/ },
  ],
  [
    '3 /proc not ours: own PID, file as old as this process: held',
    { pid: OWN, holdsOpen: null, mtimeMs: BASE.processStartMs },
    ['alive', 'startMs', 'now'],
    { stale: false, alive: true, reason: /another thread/ },
  ],
  [
    '3 /proc not ours: own PID, file newer than this process: held',
    { pid: OWN, holdsOpen: null, mtimeMs: NOW - 10 },
    ['alive', 'startMs', 'now'],
    { stale: false, alive: true },
  ],

  // 4. The owner is not running (or a zombie, which the backend reports as not alive).
  [
    '4 owner not running: stale',
    { alive: false },
    ['startMs', 'holdsOpen', 'now'],
    { stale: true, alive: false, reason: /owner 1234 is not running/ },
  ],

  // 5. Unknown liveness: held.
  [
    '5 liveness unknown (EPERM, hidepid): held',
    { alive: null, startMs: NOW },
    ['holdsOpen', 'now'],
    { stale: false, alive: null, reason: /cannot be checked/ },
  ],

  // 6. PID reuse, by start time with a 1 s margin, guarded by the open-file proof.
  [
    '6 running owner without a start time: held',
    { startMs: null },
    ['holdsOpen', 'now'],
    { stale: false, alive: true, reason: /is running/ },
  ],
  ['6 owner started before the write: held', { startMs: BASE.mtimeMs - 5_000 }, ['holdsOpen', 'now'], { stale: false, alive: true }],
  [
    '6 owner started exactly at the margin after the write: held',
    { startMs: BASE.mtimeMs + START_MARGIN_MS },
    ['holdsOpen', 'now'],
    { stale: false, alive: true },
  ],
  [
    '6 owner started just within the margin (coarse mtime): held',
    { startMs: BASE.mtimeMs + START_MARGIN_MS - 0.5 },
    ['holdsOpen', 'now'],
    { stale: false },
  ],
  [
    '6 owner started 1 ms over the margin, file not open: reused, stale',
    { startMs: BASE.mtimeMs + START_MARGIN_MS + 1, holdsOpen: false },
    ['now'],
    { stale: true, alive: true, reason: /PID 1234 was reused/ },
  ],
  [
    '6 owner started over the margin, open-file proof unavailable: reused, stale',
    { startMs: BASE.mtimeMs + START_MARGIN_MS + 1, holdsOpen: null },
    ['now'],
    { stale: true, alive: true },
  ],
  [
    '6 clock: wall clock stepped forward, the owner has the file open: held',
    { startMs: BASE.mtimeMs + 3_600_000, holdsOpen: true },
    ['now'],
    { stale: false, alive: true, reason: /has the lock file open/ },
  ],
  [
    '6 clock: wall clock stepped back (start long before mtime): held',
    { startMs: BASE.mtimeMs - 86_400_000 },
    ['holdsOpen', 'now'],
    { stale: false },
  ],
  [
    '6 clock: lock mtime in the future, owner running: held',
    { mtimeMs: NOW + 3_600_000, startMs: NOW - 5_000 },
    ['holdsOpen', 'now'],
    { stale: false, alive: true },
  ],

  // 7. /proc not ours: liveness from kill() alone, no start time, no open-file proof.
  [
    '7 /proc not ours: kill() says alive, nothing else known: held',
    { alive: true, startMs: null, holdsOpen: null },
    ['now'],
    { stale: false, alive: true },
  ],
  ['7 /proc not ours: kill() says ESRCH: stale', { alive: false, startMs: null, holdsOpen: null }, ['now'], { stale: true, alive: false }],

  // Markers (the README, "Where a lock was written: the marker"). Ours: today's rules, as if unmarked.
  ['marker ours, owner running: held', { marker: OURS }, ['kernelHeld'], { stale: false, alive: true, reason: /is running/ }],
  ['marker ours, owner dead: stale', { marker: OURS, alive: false }, [], { stale: true, alive: false }],
  ['marker ours, own PID held here', { marker: OURS, pid: OWN, heldHere: true }, OWNER, { stale: false, reason: /held by this process/ }],

  // Another domain: its PID is never judged by ours.
  ...[
    ['dead here', { alive: false }],
    ['reused here', { startMs: NOW, holdsOpen: false }],
    ['equal to our own PID', { pid: OWN, holdsOpen: false, heldHere: false }],
  ].map(([what, over]) => [
    `marker of another host, its PID ${what}: held, cannot be checked, names the host`,
    { marker: ELSEWHERE, kernelHeld: false, ...over },
    [...OWNER, 'heldHere'],
    {
      stale: false,
      alive: null,
      uncheckable: true,
      reason: /written on host build-7 \(another host or boot\): owner \d+ cannot be checked from here; .*pidlock clean --force/,
    },
  ]),
  [
    'marker with our boot, another PID namespace, no kernel lock promised: held',
    { marker: { ...SIBLING, kernel: false }, kernelHeld: false },
    OWNER,
    { stale: false, alive: null, uncheckable: true, reason: /in another PID namespace of this host \(box\)/ },
  ],
  [
    'without our own identity, even our tag is not ours',
    { marker: OURS, ownTag: null, alive: false, kernelHeld: null },
    OWNER,
    { stale: false, uncheckable: true, reason: /another host or boot/ },
  ],
  // 4a: a lease, published by the holder, that ran out.
  [
    '4a lease expired: stale',
    { marker: { ...ELSEWHERE, leaseSec: 30 }, mtimeMs: NOW - 30_001, kernelHeld: false },
    OWNER,
    { stale: true, alive: null, reason: /30 s lease ran out/ },
  ],
  [
    '4a lease not yet expired: held',
    { marker: { ...ELSEWHERE, leaseSec: 30 }, mtimeMs: NOW - 29_000, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    '4a lease expired on a shared filesystem too',
    { marker: { ...ELSEWHERE, leaseSec: 5 }, mtimeMs: NOW - 6_000, shared: 'nfs', kernelHeld: false },
    OWNER,
    { stale: true },
  ],
  // 4b: a local disk, written before this boot.
  [
    '4b local, written before this boot: stale',
    { marker: ELSEWHERE, mtimeMs: BASE.bootMs - 60_000, kernelHeld: false },
    OWNER,
    { stale: true, reason: /before this machine booted/ },
  ],
  [
    '4b local, written just before the boot estimate (within its margin): held',
    { marker: ELSEWHERE, mtimeMs: BASE.bootMs - 1000, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    '4b shared, written before this boot: held (another host may still run it)',
    { marker: ELSEWHERE, shared: 'nfs', mtimeMs: BASE.bootMs - 60_000, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    '4b boot time unknown: held',
    { marker: ELSEWHERE, bootMs: null, mtimeMs: NOW - 86_400_000 * 3, kernelHeld: false },
    OWNER,
    { stale: false },
  ],
  // 4c: one kernel, one flock table.
  [
    '4c same boot, other namespace, K, local, kernel lock free: stale (a dead container holder)',
    { marker: SIBLING, pid: 1, kernelHeld: false },
    OWNER,
    { stale: true, alive: false, reason: /another PID namespace of this host \(box\).*nobody holds now/ },
  ],
  [
    '4c kernel lock held: held, alive',
    { marker: SIBLING, pid: 1, kernelHeld: true },
    OWNER,
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '4c kernel lock unknown (a JS contender in a container): held, cannot be checked',
    { marker: SIBLING, pid: 1, kernelHeld: null },
    OWNER,
    { stale: false, alive: null, uncheckable: true },
  ],
  [
    '4c not on a shared filesystem only',
    { marker: SIBLING, pid: 1, kernelHeld: false, shared: 'nfs' },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    "4c not for another boot (another kernel's flock table)",
    { marker: ELSEWHERE, pid: 1, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],

  // 4b needs a marker of another boot: one of this boot was written in it, however old its mtime looks.
  [
    '4b not for a marker of this boot (lxcfs uptime, a resumed VM): held',
    { marker: { ...SIBLING, kernel: false }, mtimeMs: BASE.bootMs - 60_000, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    '4b not without our own identity (the boot part cannot be compared)',
    { marker: ELSEWHERE, ownTag: null, mtimeMs: BASE.bootMs - 60_000, kernelHeld: null },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  // 4b and 4c need a filesystem known to be local: an unknown one may be another host's too.
  [
    '4b not on an unknown filesystem',
    { marker: ELSEWHERE, local: false, mtimeMs: BASE.bootMs - 60_000, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  [
    '4c not on an unknown filesystem',
    { marker: SIBLING, pid: 1, local: false, kernelHeld: false },
    OWNER,
    { stale: false, uncheckable: true },
  ],
  // An operator's force: an uncheckable lock is stale, unless a kernel lock may hold it.
  [
    "force: another host's lock: stale",
    { marker: ELSEWHERE, force: true, kernelHeld: false },
    OWNER,
    { stale: true, alive: null, reason: /^forced: written on host build-7/ },
  ],
  [
    "force: another namespace's K lock whose kernel lock this process cannot see: refused",
    { marker: SIBLING, pid: 1, force: true, kernelHeld: null },
    OWNER,
    { stale: false, uncheckable: true, reason: /cannot see: force it from the host .* or with the native backend/ },
  ],
  [
    "force: another namespace's lock without K, kernel lock unknown: stale",
    { marker: { ...SIBLING, kernel: false }, force: true, kernelHeld: null },
    OWNER,
    { stale: true, reason: /^forced: written in another PID namespace/ },
  ],
  [
    'force: a K lock of another boot (no kernel lock of ours to see): stale',
    { marker: ELSEWHERE, force: true, kernelHeld: null },
    OWNER,
    { stale: true },
  ],
  ['force: never a live owner of our domain', { marker: OURS, force: true }, ['kernelHeld'], { stale: false, alive: true }],

  // An unmarked lock read from a PID namespace other than the host's may be the host's.
  [
    'container: unmarked, owner not running here, kernel lock unseen: held, cannot be checked',
    { initialPidNs: false, alive: false, kernelHeld: null },
    [],
    { stale: false, alive: null, uncheckable: true, reason: /PID namespace other than the host's: owner 1234 may be/ },
  ],
  [
    'container: unmarked, PID reused here, kernel lock unseen: held, cannot be checked',
    { initialPidNs: false, startMs: NOW, holdsOpen: false, kernelHeld: null },
    [],
    { stale: false, uncheckable: true },
  ],
  [
    'container: unmarked, owner not running, kernel lock free (the native backend sees it): stale',
    { initialPidNs: false, alive: false, kernelHeld: false },
    [],
    { stale: true, alive: false },
  ],
  [
    'container: unmarked, owner not running, kernel lock held: held',
    { initialPidNs: false, alive: false, kernelHeld: true },
    [],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    'container: unmarked, owner running here: held as today, kernel lock not read',
    { initialPidNs: false },
    ['kernelHeld'],
    { stale: false, alive: true, uncheckable: undefined },
  ],
  [
    'container: unmarked, owner not running, kernel lock unseen, forced: stale',
    { initialPidNs: false, alive: false, kernelHeld: null, force: true },
    [],
    { stale: true, reason: /^forced:/ },
  ],
  [
    'container: invalid content past the grace: stale as today',
    { initialPidNs: false, pid: null, size: 0, mtimeMs: NOW - 60_000, kernelHeld: null },
    OWNER,
    { stale: true },
  ],

  // 5. No marker on a shared filesystem: alive here is held as today; anything else cannot be told.
  [
    '5 shared, unmarked, owner running here: held',
    { shared: 'nfs' },
    ['kernelHeld'],
    { stale: false, alive: true, uncheckable: undefined },
  ],
  [
    '5 shared, unmarked, owner dead here: held, cannot tell',
    { shared: 'fuse', alive: false, kernelHeld: false },
    [],
    {
      stale: false,
      alive: null,
      uncheckable: true,
      reason: /shared filesystem \(fuse\) without a marker: owner 1234 may be running on another host/,
    },
  ],
  [
    '5 shared, unmarked, PID reused here: held, cannot tell',
    { shared: 'nfs', startMs: NOW, holdsOpen: false, kernelHeld: false },
    [],
    { stale: false, uncheckable: true },
  ],
  [
    '5 shared, unmarked, invalid content past the grace: stale as today',
    { shared: 'nfs', pid: null, size: 0, mtimeMs: NOW - 60_000, kernelHeld: false },
    OWNER,
    { stale: true },
  ],
  [
    '5 shared, unmarked, dead, but a kernel lock is held: held, also when forced',
    { shared: 'nfs', alive: false, kernelHeld: true, force: true },
    [],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  [
    '5 shared, multi-line pidfile of a dead PID: foreign, not uncheckable',
    { shared: 'nfs', size: 200, alive: false, kernelHeld: false },
    [],
    { stale: false, foreign: true },
  ],
  // 6. No marker on a local filesystem (or declared single-host: shared is null then): today's rules.
  ['6 local, unmarked, dead: stale', { alive: false, kernelHeld: false }, [], { stale: true, uncheckable: undefined }],
];

for (const [name, over, unread, want] of ROWS) {
  test(name, () => {
    const v = judge(facts(over, unread));
    assert.equal(v.stale, want.stale, `stale: ${v.reason}`);
    if ('alive' in want) assert.equal(v.alive, want.alive, `alive: ${v.reason}`);
    if ('foreign' in want) assert.equal(v.foreign, want.foreign, `foreign: ${v.reason}`);
    if ('uncheckable' in want) assert.equal(v.uncheckable, want.uncheckable, `uncheckable: ${v.reason}`);
    if (want.reason) assert.match(v.reason, want.reason);
  });
}

test('every verdict is a decision: stale and foreign never both', () => {
  for (const [, over] of ROWS) {
    const v = judge(facts(over));
    assert.ok(!(v.stale && v.foreign), JSON.stringify(over));
    assert.equal(typeof v.reason, 'string');
  }
});

// Side files (ballots, temp files): a PID alone proves nothing, since anyone can
// plant one naming a live process; the creator must really hold the file.
const SIDE_ROWS = [
  [
    'side: kernel lock held, the PID does not have it open: counts',
    { kernelHeld: true, holdsOpen: false },
    [],
    { stale: false, reason: /kernel lock/ },
  ],
  [
    "side: known held (the native backend's test lock): decided before the creator's descriptors are listed",
    { pid: OWN, kernelHeld: true, kernelKnown: true },
    [...OWNER, 'sameUser', 'heldHere', 'now'],
    { stale: false, alive: true, reason: /kernel lock/ },
  ],
  ['side: creator dead: stale', { alive: false }, ['holdsOpen', 'sameUser'], { stale: true, alive: false }],
  ['side: creator alive with it open: counts', { holdsOpen: true }, ['sameUser', 'now', 'kernelHeld'], { stale: false, alive: true }],
  [
    'side: creator alive without it open (planted): stale',
    { holdsOpen: false, kernelHeld: false },
    ['sameUser', 'now'],
    { stale: true, reason: /does not have it open/ },
  ],
  [
    'side: descriptors unreadable, owned by another user: stale',
    { holdsOpen: null, sameUser: false, kernelHeld: null },
    ['now'],
    { stale: true, reason: /not a user/ },
  ],
  [
    'side: descriptors unreadable, same user, started before: counts',
    { holdsOpen: null, sameUser: true },
    ['now', 'kernelHeld'],
    { stale: false },
  ],
  ['side: nothing readable (no /proc): the PID rules', { holdsOpen: null, sameUser: null, startMs: null }, ['now'], { stale: false }],
  ['side: own PID, no thread has it open: stale', { pid: OWN, holdsOpen: false, kernelHeld: false }, ['sameUser'], { stale: true }],
  [
    'side: written in another domain, its PID dead here: counts (cannot be checked)',
    { here: false, marker: { tag: 'cccccccccccc.dddddddd', kernel: false, leaseSec: null, host: 'b' }, alive: false, holdsOpen: false },
    ['sameUser'],
    { stale: false },
  ],
  [
    'side: written in another domain, forced: stale (a dead breaker of another host must not wedge a forced break)',
    { here: false, marker: ELSEWHERE, force: true, kernelHeld: null },
    [...OWNER, 'sameUser'],
    { stale: true, reason: /^forced:/ },
  ],
  [
    'side: written in another domain over an hour ago: stale',
    { here: false, marker: ELSEWHERE, mtimeMs: NOW - 3_600_001 },
    [...OWNER, 'sameUser', 'kernelHeld'],
    { stale: true, reason: /older than an hour/ },
  ],
  [
    'side: written in another domain, forced, its kernel lock held: counts',
    { here: false, marker: SIBLING, force: true, kernelHeld: true },
    [...OWNER, 'sameUser'],
    { stale: false, reason: /kernel lock/ },
  ],
  // Temp files, whose creator is known by the name: its content is empty until written.
  [
    'side: empty temp file of ours, its creator dead: stale',
    { tmp: true, pid: OTHER, size: 0, alive: false },
    ['sameUser'],
    { stale: true },
  ],
  [
    "side: another domain's temp file under an hour old: kept, whatever its PID says here",
    { here: false, tmp: true, size: 0, pid: OTHER, alive: false, mtimeMs: NOW - 3_599_000 },
    [...OWNER, 'sameUser', 'kernelHeld'],
    { stale: false },
  ],
  [
    "side: another domain's temp file over an hour old: stale",
    { here: false, tmp: true, size: 0, pid: OTHER, mtimeMs: NOW - 3_600_001 },
    [...OWNER, 'sameUser', 'kernelHeld'],
    { stale: true, reason: /older than an hour/ },
  ],
];

for (const [name, over, unread, want] of SIDE_ROWS) {
  test(name, () => {
    const v = judgeSideFile(facts({ here: true, sameUser: null, ...over }, unread));
    assert.equal(v.stale, want.stale, `stale: ${v.reason}`);
    if ('alive' in want) assert.equal(v.alive, want.alive, `alive: ${v.reason}`);
    if (want.reason) assert.match(v.reason, want.reason);
  });
}

test("a temp name's PID is asked about only where it means something: our tag, or no tag where no other host writes", () => {
  const own = BASE.ownTag;
  const ours = own.replace('.', '');
  assert.equal(tmpCreatorHere(ours, own, null), true);
  assert.equal(tmpCreatorHere(ours, own, 'nfs'), true, 'our tag, on a shared filesystem too');
  assert.equal(tmpCreatorHere('aaaaaaaaaaaacccccccc', own, null), false, 'another PID namespace of this boot');
  assert.equal(tmpCreatorHere(ours, null, null), false, 'no domain of our own: no tag is ours');
  assert.equal(tmpCreatorHere(null, own, null), true, 'untagged, where only this host writes');
  assert.equal(tmpCreatorHere(null, own, 'nfs'), false, 'untagged, where other hosts write');
});
