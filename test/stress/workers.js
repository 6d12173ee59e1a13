'use strict';
// The worker processes: one per slot on its backend, respawned when the chaos
// killed it, a failure when it exits on its own. Also parks them all outside
// the lock (for a stampede) and releases them together.
const { fork } = require('node:child_process');
const path = require('node:path');
const { procState } = require('./procs');

const WORKER = path.join(__dirname, 'worker.js');

class Workers {
  /**
   * backends: one entry per slot ('native' | 'js'); env: what every worker gets;
   * rec(line): appends to the witness log; fail(msg): ends the run as failed;
   * finishing(): whether the run is shutting down.
   */
  constructor({ backends, env, rec, fail, finishing }) {
    this.byPid = new Map();
    this.spawned = 0;
    this._backends = backends;
    this._env = env;
    this._rec = rec;
    this._fail = fail;
    this._finishing = finishing;
    this._parking = null;
  }

  start() {
    for (let slot = 0; slot < this._backends.length; slot++) this._spawn(slot);
  }

  _spawn(slot) {
    const backend = this._backends[slot];
    const env = { ...this._env };
    if (backend === 'js') env.PIDLOCK_NO_NATIVE = '1';
    else delete env.PIDLOCK_NO_NATIVE;
    const child = fork(WORKER, [], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const w = { child, pid: child.pid, slot, backend, killing: false, parked: false, ready: false, stderr: '' };
    this.spawned++;
    this.byPid.set(child.pid, w);
    child.stderr.on('data', (d) => (w.stderr = (w.stderr + d).slice(-4000)));
    w.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    child.on('message', (m) => {
      if (m.ready) {
        w.ready = true;
        if (m.backend !== backend) this._fail(`worker ${w.pid} runs on ${m.backend}, expected ${backend}`);
        if (this._parking) child.send('park');
      } else if (m.parked) {
        w.parked = true;
        this._parking?.check();
      }
    });
    child.on('error', () => {});
    w.exited.then(({ code, signal }) => {
      this.byPid.delete(w.pid);
      if (w.killing) {
        this._rec(`reaped ${w.pid} ${process.hrtime.bigint()}`);
        if (!this._finishing()) this._spawn(slot);
      } else if (!(this._finishing() && code === 0)) {
        // Its last words may still be in the pipe at 'exit' (respawning waits for nothing, this report does).
        const report = () =>
          this._fail(`worker ${w.pid} (${backend}) exited on its own (${code ?? signal}): ${w.stderr.trim().slice(-1500)}`);
        if (child.stderr.closed) report();
        else child.stderr.once('close', report);
      }
      this._parking?.check();
    });
  }

  all() {
    return [...this.byPid.values()];
  }

  /** Ready and not being killed: fair game for the next action. */
  live() {
    return this.all().filter((w) => w.ready && !w.killing);
  }

  /** Marks `w` as being killed, so that its exit respawns its slot; false if someone else got there first. */
  claim(w) {
    if (w.killing || !this.byPid.has(w.pid)) return false;
    w.killing = true;
    return true;
  }

  /** Parks every worker outside the lock; resolves true once all are parked (or dying), false after `ms`. */
  async parkAll(ms) {
    let timer;
    const parked = await new Promise((resolve) => {
      this._parking = { check: () => this.all().every((w) => w.parked || w.killing) && resolve(true) };
      for (const w of this.byPid.values()) if (w.ready) w.child.send('park');
      this._parking.check();
      timer = setTimeout(() => resolve(false), ms);
    });
    clearTimeout(timer);
    return parked;
  }

  /** Releases the parked workers all at once. */
  goAll() {
    this._parking = null;
    for (const w of this.byPid.values()) {
      w.parked = false;
      if (!w.killing) w.child.send('go');
    }
  }

  get parking() {
    return this._parking !== null;
  }

  /** Asks every worker to stop and resolves once all exited; after `ms`, calls onTimeout() and SIGKILLs them. */
  async stopAll(ms, onTimeout) {
    for (const w of this.byPid.values()) {
      try {
        process.kill(w.pid, 'SIGCONT');
        w.child.send('stop');
        w.child.send('go');
      } catch {
        // Already gone.
      }
    }
    const all = Promise.all(this.all().map((w) => w.exited));
    const t = setTimeout(() => {
      onTimeout();
      for (const w of this.byPid.values()) w.child.kill('SIGKILL');
    }, ms);
    await all;
    clearTimeout(t);
  }

  describe() {
    return this.all().map((w) => `  worker ${w.pid} ${w.backend} state=${procState(w.pid)} parked=${w.parked} killing=${w.killing}`);
  }
}

module.exports = { Workers };
