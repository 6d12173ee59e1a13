'use strict';
// Runs one configuration: N workers on one lock, and a chaos loop that kills,
// freezes and races them. It steers by tailing the witness log, but it judges
// nothing itself: the checker replays the whole log at the end.
//   supervisor.js  the scheduler: targets, pacing, the watchdog, the result
//   workers.js     the worker processes (spawn, respawn, park, stop)
//   log-tail.js    the witness log as it grows: who is inside, counts
//   chaos.js       the actions: kills, freezes, planted stale locks, stampedes
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { check } = require('./checker');
const { Workers } = require('./workers');
const { LogTail } = require('./log-tail');
const { chaosActions, sleep, rand } = require('./chaos');

async function runConfig(opts) {
  const {
    name,
    backends, // one entry per worker slot: 'native' | 'js'
    minAcquisitions,
    minKills,
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
  const started = Date.now();

  const failures = [];
  let finishing = false;
  const fail = (msg) => {
    if (failures.length < 20) failures.push(msg);
    finishing = true;
  };
  // The watchdog's notion of progress: an acquisition, or a pause the chaos made on purpose.
  const quiet = {
    since: Date.now(),
    frozen: 0,
    touch() {
      this.since = Date.now();
    },
  };

  const workers = new Workers({
    backends,
    env: { ...process.env, STRESS_LOCK: lockPath, STRESS_LOG: logPath, STRESS_SABOTAGE: sabotage ? '1' : '0' },
    rec,
    fail,
    finishing: () => finishing,
  });
  const tail = new LogTail(logPath, { onEnter: () => quiet.touch(), onBad: fail });

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
    return [...lines, ...workers.describe()].join('\n');
  }

  const watchdog = setInterval(() => {
    if (finishing || workers.parking || quiet.frozen > 0) {
      quiet.since = Math.max(quiet.since, Date.now() - 1);
      return;
    }
    if (Date.now() - quiet.since > watchdogMs) {
      fail(`WEDGED: no acquisition for ${watchdogMs} ms with no worker stopped. Lock dir and workers:\n${lockDirDump()}`);
    }
  }, 250);

  const chaos = chaosActions({
    workers,
    tail,
    lockPath,
    scratch: base,
    rec,
    fail,
    finishing: () => finishing,
    quiet,
    watchdogMs,
    dump: lockDirDump,
  });

  async function schedule() {
    let nextRace = Date.now() + 1500;
    let lastStop = Date.now();
    while (!finishing) {
      await sleep(rand(5, 50));
      tail.pump();
      if (finishing) break;
      // The work sets the length of the run, not a clock: a slow or loaded machine
      // runs longer. A run that stops making progress is caught by the watchdog.
      if (tail.acquisitions >= minAcquisitions && tail.kills >= minKills) break;
      if (workers.live().length === 0) continue;
      if (Date.now() > nextRace) {
        await chaos.race();
        nextRace = Date.now() + rand(3000, 5000);
        continue;
      }
      // Kills behind the acquisitions (each as a share of its target): kill rather than freeze or plant.
      const behind = tail.kills / Math.max(1, minKills) < tail.acquisitions / minAcquisitions;
      const roll = behind ? Math.random() * 0.85 : Math.random();
      if (sabotage) continue;
      // Freezes happen on schedule whatever the kill pace.
      if (Date.now() - lastStop > 1500) {
        lastStop = Date.now();
        await chaos.stopOne();
        continue;
      }
      if (roll < 0.45) await chaos.killHolder();
      else if (roll < 0.75) await chaos.killAcquiring();
      else if (roll < 0.85) await chaos.plantAmongRunning();
      else await chaos.stopOne();
    }
  }

  workers.start();
  const progress = setInterval(
    () => say(`  ${name}: ${tail.acquisitions} acquisitions, ${tail.kills} kills, ${Math.round((Date.now() - started) / 1000)} s`),
    10_000,
  );
  try {
    await schedule();
  } finally {
    finishing = true;
    clearInterval(progress);
    clearInterval(watchdog);
    await workers.stopAll(30_000, () => fail(`workers did not stop within 30 s:\n${lockDirDump()}`));
    tail.close();
  }
  const leftovers = fs.readdirSync(lockDir);
  fs.closeSync(logFd);
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
  const { stats } = chaos;
  return {
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
    spawned: workers.spawned,
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
}

module.exports = { runConfig };
