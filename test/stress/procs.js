'use strict';
// Process control the supervisor needs beyond child_process: knowing that a
// SIGSTOP has landed, and making processes whose PIDs a planted lock can name.
const { spawn, spawnSync } = require('node:child_process');

const cell = new Int32Array(new SharedArrayBuffer(4));
const pause = (ms) => Atomics.wait(cell, 0, 0, ms);

/** One-letter state from /proc/<pid>/stat, or null when the process is gone. */
function procState(pid) {
  try {
    const s = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'latin1');
    return s[s.lastIndexOf(')') + 2];
  } catch {
    return null;
  }
}

/**
 * SIGSTOPs and waits until the kernel reports the process stopped. Only then
 * may the supervisor log a line about it: from that instant on it runs no
 * code, so nothing it writes can come after our line.
 */
function freeze(pid) {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + 5000;
  for (;;) {
    const st = procState(pid);
    if (st === null || st === 'T' || st === 't' || st === 'Z' || st === 'X') return st;
    if (Date.now() > deadline) throw new Error(`pid ${pid} did not stop within 5 s (state ${st})`);
    pause(0.2);
  }
}

/** A PID that was just used and is free now: a process that has exited and been reaped. */
function deadPid() {
  return spawnSync('true').pid;
}

/** A live process unrelated to the lock; kill it when done. */
function liveStranger() {
  const child = spawn('sleep', ['120'], { stdio: 'ignore' });
  return child;
}

module.exports = { procState, freeze, deadPid, liveStranger, pause };
