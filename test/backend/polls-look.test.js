'use strict';
// After a refusal, polls only look. A waiter facing a live
// holder reads the lock and creates nothing: no temp file appears in the
// directory however often it polls. Once the holder is gone it takes the lock.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { pkg, tmpDir, fixture, startChild, sleep } = require('../helpers');

test('refused polls create no file beside the lock; the release is still noticed', async (t) => {
  const dir = tmpDir('pidlock-polls-');
  const file = path.join(dir, '.p_lock.pid');
  const h = startChild(fixture('holder.js'), [file]);
  t.after(() => h.child.kill('SIGKILL'));
  assert.match(await h.firstLine, /^acquired /);

  const lock = new pkg.PidLock({ path: file });
  assert.equal(lock.tryAcquire(), false, 'the first try is refused');
  const created = [];
  const watcher = fs.watch(dir, (event, name) => {
    if (name !== path.basename(file)) created.push(`${event} ${name}`);
  });
  try {
    // A canary file that the watch must report: its event comes after those of
    // everything created before it, so once it is seen, nothing earlier is missing.
    const canary = async (name) => {
      fs.writeFileSync(path.join(dir, name), '');
      for (let i = 0; i < 2000 && !created.some((e) => e.endsWith(name)); i++) await sleep(5);
      assert.ok(
        created.some((e) => e.endsWith(name)),
        `the directory watch reports ${name}`,
      );
    };
    await canary('canary-1');
    created.length = 0;

    for (let i = 0; i < 50; i++) assert.equal(lock.tryAcquire(), false);
    assert.equal(lock.acquireSync({ timeout: 100, retryInterval: 5 }), false);
    assert.equal(await lock.acquire({ timeout: 100, retryInterval: 5 }), false);
    await canary('canary-2');
    assert.deepEqual(
      created.filter((e) => !e.endsWith('canary-2')),
      [],
      'a refused poll created a file',
    );
  } finally {
    watcher.close();
  }

  h.child.stdin.write('release\n');
  await h.exited;
  assert.equal(await lock.acquire({ timeout: 5000, retryInterval: 5 }), true, 'the poll that finds the lock gone takes it');
  assert.equal(fs.readFileSync(file, 'utf8'), `${process.pid}\n`);
  assert.equal(lock.release(), true);
});
