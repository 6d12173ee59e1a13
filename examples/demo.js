#!/usr/bin/env node
'use strict';
// A tour of what the lock guarantees, with real processes:
//   1. we take the lock; a second process is refused and told who holds it;
//   2. a holder is killed with SIGKILL; its stale lock is taken over at once;
//   3. the singleton mixin refuses a second app instance.
// Run: node examples/demo.js
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pidlock = require('..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-demo-'));
const say = (s) => console.log(s);
const childTry = (file) =>
  spawnSync(
    process.execPath,
    [
      '-e',
      `
    const { PidLock } = require(${JSON.stringify(path.join(__dirname, '..'))});
    const lock = new PidLock({ path: ${JSON.stringify(file)} });
    const ok = lock.tryAcquire();
    console.log(ok ? 'acquired' : 'refused: held by ' + JSON.stringify(lock.owner()));`,
    ],
    { encoding: 'utf8' },
  ).stdout.trim();

async function main() {
  say(`backend: ${pidlock.backend}${pidlock.loadError ? ` (addon not loaded: ${pidlock.loadError.message})` : ''}`);

  const lock = new pidlock.PidLock({ name: 'demo', port: 8080, dir });
  say(`\n1. lock file ${lock.path}`);
  say(`   this process (${process.pid}) tryAcquire: ${lock.tryAcquire()}`);
  say(`   content: ${JSON.stringify(fs.readFileSync(lock.path, 'latin1'))}`);
  say(`   another process: ${childTry(lock.path)}`);
  lock.release();
  say(`   released; file exists: ${fs.existsSync(lock.path)}`);

  say('\n2. a holder that crashes');
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `
    const { PidLock } = require(${JSON.stringify(path.join(__dirname, '..'))});
    new PidLock({ path: ${JSON.stringify(lock.path)} }).tryAcquire();
    console.log('holding'); setInterval(() => {}, 1000);`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise((r) => holder.stdout.once('data', r));
  say(`   holder ${holder.pid} holds it; kill -9 ${holder.pid}`);
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  say(`   left behind: ${JSON.stringify(fs.readFileSync(lock.path, 'latin1'))}, owner: ${JSON.stringify(lock.owner())}`);
  const t0 = process.hrtime.bigint();
  const took = lock.tryAcquire();
  say(
    `   tryAcquire: ${took} in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2)} ms; now names ${fs.readFileSync(lock.path, 'latin1').trim()}`,
  );
  lock.release();

  say('\n3. the singleton mixin');
  class App extends pidlock.SingletonInstance {
    static singletonLockName = 'phologtolabstreaminglayer';
    static singletonDefaultPort = 8080;
    static singletonLockDir = dir;
  }
  const app = new App();
  say(`   acquireSingletonLock: ${app.acquireSingletonLock()} -> ${app.getLockFilePath()}`);
  say(`   second instance elsewhere: ${childTry(app.getLockFilePath())}`);
  app.releaseSingletonLock();
  say(`   isInstanceRunning after release: ${App.isInstanceRunning()}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
