'use strict';
// The chaos actions: each kills, freezes or races the workers in one way and
// logs what it did before it does it. The scheduler (supervisor.js) decides
// which comes next; these only act.
const fs = require('node:fs');
const path = require('node:path');
const { freeze, deadPid, liveStranger } = require('./procs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (a, b) => a + Math.random() * (b - a);
const now = () => process.hrtime.bigint().toString();
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/**
 * ctx: { workers (Workers), tail (LogTail), lockPath, scratch (a directory on the
 * lock's filesystem), rec(line), fail(msg), finishing(), quiet: { touch(),
 * frozen }, watchdogMs, dump() }. Counts what it did in the returned `stats`.
 */
function chaosActions(ctx) {
  const { workers, tail, lockPath, scratch, rec, fail, quiet, watchdogMs } = ctx;
  const lockDir = path.dirname(lockPath);
  const stats = { kills: { holder: 0, acquiring: 0, breaking: 0, frozen: 0 }, midBreak: 0, stops: 0, longStops: 0, races: 0, plants: 0 };

  // The PID is the first line; a lock or ballot in a shared or container
  // directory carries a marker on the lines after it.
  function pidIn(file) {
    const m = /^(\d+)\n/.exec(fs.readFileSync(file, 'latin1'));
    return m ? Number(m[1]) : null;
  }

  function ownerOfLock() {
    try {
      return pidIn(lockPath);
    } catch {
      return null;
    }
  }

  function ballotOwners() {
    const owners = new Set();
    for (const entry of fs.readdirSync(lockDir)) {
      if (!entry.includes('.break.')) continue;
      try {
        owners.add(pidIn(path.join(lockDir, entry)));
      } catch {
        // Collected meanwhile.
      }
    }
    return owners;
  }

  /** Freeze, log, SIGKILL; true if it held the lock. The log line comes after the freeze is confirmed. */
  async function kill(w, kind) {
    if (!workers.claim(w)) return false;
    const st = freeze(w.pid);
    if (st === null || st === 'Z' || st === 'X') return false;
    const held = ownerOfLock() === w.pid;
    if (ballotOwners().has(w.pid)) stats.midBreak++;
    rec(`kill ${w.pid} ${held ? 1 : 0} ${now()}`);
    process.kill(w.pid, 'SIGKILL');
    stats.kills[kind]++;
    // Not waiting for the exit: on a loaded machine dying takes a while, and the takeover does not need it.
    return held;
  }

  /** Links a ready-made stale lock into place; ok is false if the lock is taken. */
  function plant(kind) {
    let content = '';
    let stranger = null;
    const old = new Date(Date.now() - 3_600_000);
    if (kind === 'dead') content = `${deadPid()}\n`;
    // A NUL first: random bytes may start with a live PID on a line of its own, which owns the file.
    else if (kind === 'garbage')
      content = Buffer.from([0, ...Array.from({ length: 23 }, () => Math.floor(Math.random() * 256))]).toString('latin1');
    else if (kind === 'reused') {
      stranger = liveStranger();
      content = `${stranger.pid}\n`;
    } else if (kind === 'own') content = `${pick([...workers.byPid.keys()])}\n`;
    const tmp = path.join(scratch, `plant.${process.pid}.tmp`);
    fs.writeFileSync(tmp, content, 'latin1');
    fs.utimesSync(tmp, old, old);
    let ok = true;
    try {
      fs.linkSync(tmp, lockPath);
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      ok = false;
    }
    fs.unlinkSync(tmp);
    if (ok) {
      stats.plants++;
      rec(`race ${kind} ${now()}`);
    }
    return { ok, stranger };
  }

  /** A kill aimed at whoever creates the next ballot, i.e. in the middle of breaking. */
  function armBreakerKill(ms) {
    return new Promise((resolve) => {
      let done = false;
      const watcher = fs.watch(lockDir, (ev, file) => {
        if (done || !file || !file.includes('.break.')) return;
        let pid;
        try {
          pid = pidIn(path.join(lockDir, file));
        } catch {
          return;
        }
        const w = workers.byPid.get(pid);
        if (!w || w.killing) return;
        done = true;
        watcher.close();
        kill(w, 'breaking').then(resolve);
      });
      setTimeout(() => {
        if (!done) {
          done = true;
          watcher.close();
          resolve();
        }
      }, ms);
    });
  }

  /** A stampede: all park outside, a stale lock is planted, all go at once (some die on the way). */
  async function race() {
    stats.races++;
    if (!(await workers.parkAll(20_000))) fail(`PARK: workers did not park within 20 s:\n${ctx.dump()}`);
    if (ctx.finishing()) return;
    // Everyone is parked outside the lock, so whatever lock file exists is a dead one's.
    fs.rmSync(lockPath, { force: true });
    const { stranger } = plant(pick(['dead', 'dead', 'garbage', 'empty', 'reused', 'own']));
    const armed = Math.random() < 0.3 ? armBreakerKill(1000) : null;
    rec(`go ${now()}`);
    workers.goAll();
    quiet.touch();
    // Racers die too, at whatever point of the stampede they are.
    if (Math.random() < 0.5) {
      await sleep(rand(0, 5));
      const w = pick(workers.all().filter((x) => !x.killing));
      if (w) await kill(w, 'acquiring');
    }
    await tail.waitEnter(watchdogMs);
    await armed;
    stranger?.kill('SIGKILL');
  }

  /** SIGSTOP the holder (mostly) or anyone, for a moment or past the stale rules' second; some die frozen. */
  async function stopOne() {
    const w = tail.insidePid !== null && Math.random() < 0.7 ? workers.byPid.get(tail.insidePid) : pick(workers.all());
    if (!w || w.killing) return;
    quiet.frozen++;
    try {
      const st = freeze(w.pid);
      if (st === null || st === 'Z') return;
      stats.stops++;
      rec(`stop ${w.pid} ${now()}`);
      // Past a second the frozen process's files look old to the stale rules.
      const long = Math.random() < 0.15;
      if (long) stats.longStops++;
      await sleep(long ? rand(1200, 2500) : rand(30, 600));
      if (Math.random() < 0.2) {
        await kill(w, 'frozen');
      } else {
        rec(`cont ${w.pid} ${now()}`);
        process.kill(w.pid, 'SIGCONT');
      }
    } finally {
      quiet.frozen--;
      quiet.touch();
    }
  }

  /** Kills the holder; the first breaker of its lock often dies too, mid-break. */
  async function killHolder() {
    const w = tail.insidePid !== null ? workers.byPid.get(tail.insidePid) : undefined;
    if (!w) return;
    // Armed before the kill: the first breaker of the dead holder's lock dies too, mid-break.
    const armed = Math.random() < 0.6 ? armBreakerKill(300) : null;
    const held = await kill(w, 'holder');
    await armed;
    if (held) await tail.waitEnter(watchdogMs);
  }

  /** Kills a worker that is trying to acquire. */
  async function killAcquiring() {
    const w = pick(workers.live().filter((x) => x.pid !== tail.insidePid));
    if (w && (await kill(w, 'acquiring'))) await tail.waitEnter(watchdogMs);
  }

  /** A stale lock planted among running workers (when the lock happens to be free). */
  async function plantAmongRunning() {
    const armed = armBreakerKill(300);
    const { ok, stranger } = plant(pick(['dead', 'garbage', 'reused']));
    if (ok) await armed;
    stranger?.kill('SIGKILL');
  }

  return { stats, race, stopOne, killHolder, killAcquiring, plantAmongRunning };
}

module.exports = { chaosActions, sleep, rand };
