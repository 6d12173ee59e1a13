'use strict';
// A lock file deleted or replaced behind its live holder's back (rm, a temp
// cleaner, a foreign tool): the holder learns it by itself within seconds.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep } = require('../helpers');

const lockIn = (dir = tmpDir()) => path.join(dir, '.c_lock_1.pid');
// The native holder's handle forbids deleting its file; a JS holder's name stays delete-pending.
const noDelete = process.platform === 'win32' && 'Windows does not let anyone delete a held lock file';
/** The watchdog looks every 2 s; a loaded machine gets generous slack on top. */
const NOTICE_MS = 10_000;

/** The holder's next report, or a failure once it has stayed silent for NOTICE_MS after being told. */
function nextReport(h) {
  let timer;
  const silent = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the holder said nothing for ${NOTICE_MS} ms: ${h.output()} ${h.stderr()}`)), NOTICE_MS);
  });
  return Promise.race([h.nextLine().then((line) => JSON.parse(line)), silent]).finally(() => clearTimeout(timer));
}

for (const mode of ['callback', 'warning']) {
  test(
    `a holder whose file is deleted and taken by another process is told (${mode}) without calling anything`,
    { skip: noDelete },
    async () => {
      const file = lockIn();
      const holder = startChild(fixture('compromise-holder.js'), [file, mode]);
      assert.equal(JSON.parse(await holder.firstLine).acquired, holder.child.pid);
      fs.unlinkSync(file);
      holder.child.stdin.write('gone\n');
      // The deletion let a second process in: that is what the holder must hear about.
      const second = startChild(fixture('holder.js'), [file]);
      assert.match(await second.firstLine, /^acquired /);
      const got = await nextReport(holder);
      assert.equal(got.via, mode);
      assert.equal(got.code, 'PIDLOCK_COMPROMISED');
      assert.equal(got.held, false, 'held is false once the loss is known');
      assert.ok(got.ms >= 0 && got.ms < NOTICE_MS, `told within ${NOTICE_MS} ms, took ${got.ms}`);
      // The holder's exit must leave the successor's lock alone.
      holder.child.stdin.write('exit\n');
      await holder.exited;
      assert.equal(fs.readFileSync(file, 'latin1'), `${second.child.pid}\n`);
      second.child.stdin.write('release\n');
      await second.exited;
    },
  );
}

test('held looks at the file: deleted or replaced, it is false at once, and onCompromised is called', { skip: noDelete }, async () => {
  for (const replace of [false, true]) {
    const file = lockIn();
    const told = [];
    const lock = new pkg.PidLock({ path: file, onCompromised: (w) => told.push(w.code) });
    assert.equal(lock.tryAcquire(), true);
    assert.equal(lock.held, true);
    fs.unlinkSync(file);
    if (replace) fs.writeFileSync(file, '1\n');
    assert.equal(lock.held, false);
    await sleep(0);
    assert.deepEqual(told, ['PIDLOCK_COMPROMISED']);
    assert.equal(lock.release(), false, 'nothing left to release');
    assert.equal(fs.existsSync(file), replace, 'a replacement is left alone');
  }
});

test('onCompromised must be a function, checked before anything is created', () => {
  const file = lockIn();
  assert.throws(() => new pkg.PidLock({ path: file, onCompromised: 'warn' }), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.equal(fs.existsSync(file), false);
});

test('a held lock is not reported while its file is in place, and release() stops the watch', async () => {
  const file = lockIn();
  const told = [];
  const lock = new pkg.PidLock({ path: file, onCompromised: (w) => told.push(w.code), onWarning: (w) => told.push(w.code) });
  assert.equal(lock.tryAcquire(), true);
  await sleep(4500); // two watchdog rounds
  assert.equal(lock.held, true);
  assert.equal(lock.release(), true);
  assert.deepEqual(told, []);
});

/** The mount options of the filesystem holding `dir`, from /proc/self/mountinfo (longest matching mount point). */
function mountOptions(dir) {
  let best = null;
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f.length < 6) continue;
    const point = f[4].replace(/\\040/g, ' ');
    const inside = dir === point || dir.startsWith(point.endsWith('/') ? point : `${point}/`);
    if (inside && (best === null || point.length >= best.point.length)) best = { point, options: f[5].split(',') };
  }
  return best?.options ?? [];
}

test(
  "a long-held lock's atime is kept young for age-based cleaners, its mtime untouched",
  { skip: process.platform !== 'linux' && 'relatime is the Linux default; other systems are left as they are' },
  async (t) => {
    const dir = tmpDir();
    if (mountOptions(fs.realpathSync(dir)).includes('noatime')) {
      t.skip(`${dir} is mounted noatime: reads never refresh atime there (a documented limit)`);
      return;
    }
    const file = lockIn(dir);
    const lock = new pkg.PidLock({ path: file });
    assert.equal(lock.tryAcquire(), true);
    t.after(() => lock.release());
    // As a file untouched for 20 days would look (mtime kept: it is the holder's evidence).
    const before = fs.statSync(file, { bigint: true });
    // touch -a sets atime alone (UTIME_OMIT for mtime); fs.utimesSync would round the mtime.
    assert.equal(spawnSync('touch', ['-a', '-d', '20 days ago', file]).status, 0);
    const aged = fs.statSync(file, { bigint: true });
    assert.equal(aged.mtimeNs, before.mtimeNs);
    let now = aged;
    for (let i = 0; i < 40 && now.atimeMs === aged.atimeMs; i++) {
      await sleep(250);
      now = fs.statSync(file, { bigint: true });
    }
    assert.ok(Number(now.atimeMs) > Date.now() - 60_000, `atime refreshed (was ${new Date(Number(now.atimeMs)).toISOString()})`);
    assert.equal(now.mtimeNs, before.mtimeNs, 'mtime untouched');
    assert.equal(now.ctimeNs, aged.ctimeNs, 'ctime untouched by the refresh');
  },
);
