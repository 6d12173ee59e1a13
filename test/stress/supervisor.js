'use strict';
// Runs one configuration: N workers on one lock, and a chaos loop that kills,
// freezes and races them. It steers by tailing the witness log, but it judges
// nothing itself: the checker replays the whole log at the end.
const { fork } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { check } = require('./checker');
const { procState, freeze, deadPid, liveStranger } = require('./procs');

const WORKER = path.join(__dirname, 'worker.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rand = (a, b) => a + Math.random() * (b - a);
const now = () => process.hrtime.bigint().toString();
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

async function runConfig(opts) {
  const {
    name,
    backends, // one entry per worker slot: 'native' | 'js'
    minAcquisitions,
    minKills,
    maxMs,
    sabotage = false,
    watchdogMs = 10_000,
    say = () => {},
    dir = os.tmpdir(),
  } = opts;
  const base = fs.mkdtempSync(path.join(dir, `pidlock-stress-${name}-`));
  const lockDir = path.join(base, 'lock');
  fs.mkdirSync(lockDir);
  const lockPath = path.join(lockDir, '.stress_lock.pid');
  const logPath = path.join(base, 'witness.log');
  const logFd = fs.openSync(logPath, 'a');
  const rec = (s) => fs.writeSync(logFd, `${s}\n`);

  const workers = new Map(); // pid -> worker record
  const failures = [];
  const stats = { spawned: 0, kills: { holder: 0, acquiring: 0, breaking: 0, frozen: 0 }, midBreak: 0, stops: 0, longStops: 0, races: 0, plants: 0 };
  let finishing = false;
  let parking = null;
  let frozen = 0;
  let quietSince = Date.now();
  let acquisitions = 0;
  let kills = 0;
  let insidePid = null;
  let enterWaiters = [];
  const started = Date.now();

  function fail(msg) {
    if (failures.length < 20) failures.push(msg);
    finishing = true;
  }

  function spawnWorker(slot) {
    const backend = backends[slot];
    const env = { ...process.env, STRESS_LOCK: lockPath, STRESS_LOG: logPath, STRESS_SABOTAGE: sabotage ? '1' : '0' };
    if (backend === 'js') env.PIDLOCK_NO_NATIVE = '1';
    else delete env.PIDLOCK_NO_NATIVE;
    const child = fork(WORKER, [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const w = { child, pid: child.pid, slot, backend, killing: false, parked: false, ready: false, stderr: '' };
    stats.spawned++;
    workers.set(child.pid, w);
    child.stderr.on('data', (d) => (w.stderr = (w.stderr + d).slice(-4000)));
    w.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.on('message', (m) => {
      if (m.ready) {
        w.ready = true;
        if (m.backend !== backend) fail(`worker ${w.pid} runs on ${m.backend}, expected ${backend}`);
        if (parking) child.send('park');
      } else if (m.parked) {
        w.parked = true;
        parking?.check();
      }
    });
    child.on('error', () => {});
    w.exited.then(({ code, signal }) => {
      workers.delete(w.pid);
      if (w.killing) {
        rec(`reaped ${w.pid} ${now()}`);
        if (!finishing) spawnWorker(slot);
      } else if (!(finishing && code === 0)) {
        fail(`worker ${w.pid} (${backend}) exited on its own (${code ?? signal}): ${w.stderr.trim().slice(-1500)}`);
      }
      parking?.check();
    });
    return w;
  }

  // Steering only: who is inside, and is anything happening at all.
  let logOffset = 0;
  let partial = '';
  const buf = Buffer.alloc(1 << 20);
  const readFd = fs.openSync(logPath, 'r');
  function pump() {
    for (;;) {
      const n = fs.readSync(readFd, buf, 0, buf.length, logOffset);
      if (n === 0) return;
      logOffset += n;
      const text = partial + buf.toString('latin1', 0, n);
      const lines = text.split('\n');
      partial = lines.pop();
      for (const line of lines) {
        const [type, pid] = line.split(' ');
        if (type === 'enter') {
          acquisitions++;
          insidePid = Number(pid);
          quietSince = Date.now();
          const ws = enterWaiters;
          enterWaiters = [];
          for (const r of ws) r();
        } else if (type === 'exit' && insidePid === Number(pid)) insidePid = null;
        else if (type === 'kill') kills++;
        else if (type === 'bad' || type === 'error') fail(line);
      }
    }
  }
  const pumpTimer = setInterval(pump, 5);

  function lockDirDump() {
    const lines = [];
    for (const entry of fs.readdirSync(lockDir)) {
      const file = path.join(lockDir, entry);
      try {
        const st = fs.lstatSync(file);
        const head = st.isFile() ? JSON.stringify(fs.readFileSync(file, 'latin1').slice(0, 64)) : '';
        lines.push(`  ${entry} size=${st.size} mtime=${st.mtime.toISOString()} ${head}`);
      } catch (err) {
        lines.push(`  ${entry} (${err.code})`);
      }
    }
    for (const w of workers.values()) {
      lines.push(`  worker ${w.pid} ${w.backend} state=${procState(w.pid)} parked=${w.parked} killing=${w.killing}`);
    }
    return lines.join('\n');
  }

  const watchdog = setInterval(() => {
    if (finishing || parking || frozen > 0) {
      quietSince = Math.max(quietSince, Date.now() - 1);
      return;
    }
    if (Date.now() - quietSince > watchdogMs) {
      fail(`WEDGED: no acquisition for ${watchdogMs} ms with no worker stopped. Lock dir and workers:\n${lockDirDump()}`);
    }
  }, 250);

  function ownerOfLock() {
    try {
      const m = /^\s*(\d+)\s*$/.exec(fs.readFileSync(lockPath, 'latin1'));
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  }

  function ballotOwners() {
    const owners = new Set();
    for (const entry of fs.readdirSync(lockDir)) {
      if (!entry.includes('.break.')) continue;
      try {
        owners.add(Number(fs.readFileSync(path.join(lockDir, entry), 'latin1')));
      } catch {
        // Collected meanwhile.
      }
    }
    return owners;
  }

  /** Freeze, log, SIGKILL, wait for the exit. The log line comes after the freeze is confirmed. */
  async function kill(w, kind) {
    if (w.killing || !workers.has(w.pid)) return false;
    w.killing = true;
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

  function waitEnter(ms) {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      enterWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Links a ready-made stale lock into place; false if the lock is taken. */
  function plant(kind) {
    let content = '';
    let stranger = null;
    const old = new Date(Date.now() - 3_600_000);
    if (kind === 'dead') content = `${deadPid()}\n`;
    // A NUL first: random bytes may start with a live PID on a line of its own, which owns the file.
    else if (kind === 'garbage') content = Buffer.from([0, ...Array.from({ length: 23 }, () => Math.floor(Math.random() * 256))]).toString('latin1');
    else if (kind === 'reused') {
      stranger = liveStranger();
      content = `${stranger.pid}\n`;
    } else if (kind === 'own') content = `${pick([...workers.keys()])}\n`;
    const tmp = path.join(base, `plant.${process.pid}.tmp`);
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
          pid = Number(fs.readFileSync(path.join(lockDir, file), 'latin1'));
        } catch {
          return;
        }
        const w = workers.get(pid);
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

  async function race() {
    stats.races++;
    let timer;
    await new Promise((resolve) => {
      parking = {
        check() {
          if ([...workers.values()].every((w) => w.parked || w.killing)) resolve();
        },
      };
      for (const w of workers.values()) if (w.ready) w.child.send('park');
      parking.check();
      timer = setTimeout(() => {
        fail(`PARK: workers did not park within 20 s:\n${lockDirDump()}`);
        resolve();
      }, 20_000);
    });
    clearTimeout(timer);
    if (finishing) return;
    // Everyone is parked outside the lock, so whatever lock file exists is a dead one's.
    fs.rmSync(lockPath, { force: true });
    const { stranger } = plant(pick(['dead', 'dead', 'garbage', 'empty', 'reused', 'own']));
    const armed = Math.random() < 0.3 ? armBreakerKill(1000) : null;
    rec(`go ${now()}`);
    parking = null;
    for (const w of workers.values()) {
      w.parked = false;
      if (!w.killing) w.child.send('go');
    }
    quietSince = Date.now();
    // Racers die too, at whatever point of the stampede they are.
    if (Math.random() < 0.5) {
      await sleep(rand(0, 5));
      const w = pick([...workers.values()].filter((x) => !x.killing));
      if (w) await kill(w, 'acquiring');
    }
    await waitEnter(watchdogMs);
    await armed;
    stranger?.kill('SIGKILL');
  }

  async function stopOne() {
    const w = insidePid !== null && Math.random() < 0.7 ? workers.get(insidePid) : pick([...workers.values()]);
    if (!w || w.killing) return;
    frozen++;
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
      frozen--;
      quietSince = Date.now();
    }
  }

  async function chaos() {
    let nextRace = Date.now() + 1500;
    let lastStop = Date.now();
    while (!finishing) {
      await sleep(rand(5, 50));
      pump();
      if (finishing) break;
      if (acquisitions >= minAcquisitions && kills >= minKills) break;
      if (Date.now() - started > maxMs) {
        fail(`targets not reached in ${maxMs} ms: ${acquisitions} acquisitions, ${kills} kills`);
        break;
      }
      const live = [...workers.values()].filter((w) => w.ready && !w.killing);
      if (live.length === 0) continue;
      if (Date.now() > nextRace) {
        await race();
        nextRace = Date.now() + rand(3000, 5000);
        continue;
      }
      // Behind the kill schedule (a slow or loaded machine): kill rather than freeze or plant.
      const behind = kills < (minKills * (Date.now() - started)) / (0.6 * maxMs);
      const roll = behind ? Math.random() * 0.85 : Math.random();
      if (sabotage) continue;
      // Freezes happen on schedule whatever the kill pace.
      if (Date.now() - lastStop > 1500) {
        lastStop = Date.now();
        await stopOne();
        continue;
      }
      if (roll < 0.45) {
        const w = insidePid !== null ? workers.get(insidePid) : undefined;
        if (!w) continue;
        // Armed before the kill: the first breaker of the dead holder's lock dies too, mid-break.
        const armed = Math.random() < 0.6 ? armBreakerKill(300) : null;
        const held = await kill(w, 'holder');
        await armed;
        if (held) await waitEnter(watchdogMs);
      } else if (roll < 0.75) {
        const w = pick(live.filter((x) => x.pid !== insidePid));
        if (w && (await kill(w, 'acquiring'))) await waitEnter(watchdogMs);
      } else if (roll < 0.85) {
        // A stale lock planted among running workers (when the lock happens to be free).
        const armed = armBreakerKill(300);
        const { ok, stranger } = plant(pick(['dead', 'garbage', 'reused']));
        if (ok) await armed;
        stranger?.kill('SIGKILL');
      } else {
        await stopOne();
      }
    }
  }

  for (let slot = 0; slot < backends.length; slot++) spawnWorker(slot);
  const progress = setInterval(() => say(`  ${name}: ${acquisitions} acquisitions, ${kills} kills, ${Math.round((Date.now() - started) / 1000)} s`), 10_000);
  try {
    await chaos();
  } finally {
    finishing = true;
    clearInterval(progress);
    clearInterval(watchdog);
    for (const w of workers.values()) {
      try {
        process.kill(w.pid, 'SIGCONT');
        w.child.send('stop');
        w.child.send('go');
      } catch {
        // Already gone.
      }
    }
    const all = Promise.all([...workers.values()].map((w) => w.exited));
    const t = setTimeout(() => {
      fail(`workers did not stop within 30 s:\n${lockDirDump()}`);
      for (const w of workers.values()) w.child.kill('SIGKILL');
    }, 30_000);
    await all;
    clearTimeout(t);
    clearInterval(pumpTimer);
  }
  const leftovers = fs.readdirSync(lockDir);
  fs.closeSync(logFd);
  fs.closeSync(readFd);
  const logText = fs.readFileSync(logPath, 'latin1');
  const verdict = check(logText);
  // The lines around the slowest takeover, so that a bad figure can be explained without the whole log.
  const worst = verdict.worstRecovery;
  const all = logText.split('\n');
  const worstRecoveryLines = worst ? all.slice(Math.max(0, worst.from - 4), worst.to + 1) : [];
  if (worst) {
    // What each other contender was last seen doing before the takeover.
    for (const pid of worst.contenders) {
      const last = all.slice(0, worst.to).findLast((l) => l.split(' ')[1] === String(pid));
      worstRecoveryLines.push(`  contender ${pid} last: ${last}`);
    }
  }
  const result = {
    name,
    workers: backends.length,
    backends: verdict.backends,
    seconds: (Date.now() - started) / 1000,
    acquisitions: verdict.acquisitions,
    kills: verdict.kills,
    killsBy: stats.kills,
    killsMidBreak: stats.midBreak,
    holderKills: verdict.holderKills,
    takeovers: verdict.takeovers,
    stops: verdict.stops,
    longStops: stats.longStops,
    races: verdict.races,
    plants: stats.plants,
    spawned: stats.spawned,
    overlaps: verdict.overlaps.length,
    overlapSamples: verdict.overlaps.slice(0, 5),
    violations: verdict.violations.slice(0, 10),
    maxRecoveryMs: verdict.maxRecoveryMs,
    maxRecoveryAfterExitMs: verdict.maxRecoveryAfterExitMs,
    worstRecoveryLines,
    maxRaceTakeoverMs: verdict.maxRaceTakeoverMs,
    leftovers,
    failures,
    dir: base,
  };
  return result;
}

module.exports = { runConfig };
