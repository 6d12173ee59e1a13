'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const WORKERS = path.join(__dirname, '..', 'workers');

/**
 * The child's environment for one pidlock backend; competitors ignore the
 * variable. `pkg`: another build of the package (PIDLOCK_BENCH_BASELINE) to load instead.
 */
function envFor(backend, pkg) {
  const env = { ...process.env };
  delete env.PIDLOCK_NO_NATIVE;
  if (backend === 'js') env.PIDLOCK_NO_NATIVE = '1';
  if (pkg) env.PIDLOCK_BENCH_PKG = pkg;
  return env;
}

/**
 * PIDLOCK_BENCH_BASELINE=<dir of another build of the package>: the sections
 * run `competitors` (copies labelled as the baseline's) in the same rounds too,
 * for before/after ratios.
 */
function withBaseline(list, ids) {
  const base = process.env.PIDLOCK_BENCH_BASELINE;
  if (!base) return list;
  const copies = list
    .filter((c) => ids.includes(c.id))
    .map((c) => ({ ...c, id: `baseline-${c.id}`, label: `baseline build (${base}): ${c.label}`, pkg: base }));
  return [...list, ...copies];
}

/**
 * A child whose stdout carries one JSON object per line. `next(event)` resolves
 * with the next line whose `event` matches (any line when event is omitted).
 */
function start(cmd, args, { env = process.env, timeoutMs = 120_000 } = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const pending = [];
  let stderr = '';
  let buf = '';
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      exited = { code, signal };
      for (const p of pending.splice(0))
        p.reject(new Error(`${path.basename(args[0] || cmd)} exited (${code ?? signal}) before '${p.event}': ${stderr.trim()}`));
      resolve(exited);
    });
  });
  const pump = () => {
    for (let i = 0; i < pending.length; i++) {
      const p = pending[i];
      const at = lines.findIndex((l) => p.event === undefined || l.event === p.event);
      if (at >= 0) {
        pending.splice(i--, 1);
        p.resolve(lines.splice(at, 1)[0]);
      }
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ event: 'text', text: line });
      }
    }
    pump();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  exit.then(() => clearTimeout(timer));
  return {
    child,
    exit,
    get stderr() {
      return stderr;
    },
    next(event) {
      return new Promise((resolve, reject) => {
        if (exited && !lines.some((l) => event === undefined || l.event === event)) {
          return reject(
            new Error(`${path.basename(args[0] || cmd)} exited (${exited.code ?? exited.signal}) before '${event}': ${stderr.trim()}`),
          );
        }
        pending.push({ event, resolve, reject });
        pump();
      });
    },
    kill(signal = 'SIGKILL') {
      if (exited === null) child.kill(signal);
    },
  };
}

/** Runs a worker to completion and returns its last JSON line; any failure throws with its stderr. */
async function runWorker(name, args, opts) {
  const c = start(process.execPath, [path.join(WORKERS, name), ...args.map(String)], opts);
  const { code, signal } = await c.exit;
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} failed (${code ?? signal}): ${c.stderr.trim()}`);
  const out = await c.next();
  return out;
}

function worker(name, args, opts) {
  return start(process.execPath, [path.join(WORKERS, name), ...args.map(String)], opts);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Kills every started process (a stopped one too) and waits until each has exited. */
async function killAll(...procs) {
  const live = procs.filter(Boolean);
  for (const p of live) {
    p.kill('SIGCONT');
    p.kill('SIGKILL');
  }
  await Promise.all(live.map((p) => p.exit));
}

module.exports = { ROOT, envFor, withBaseline, start, runWorker, worker, sleep, killAll };
