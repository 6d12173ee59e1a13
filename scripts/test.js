#!/usr/bin/env node
'use strict';
// Runs each test file as often as it needs to:
//   test/unit/     once: pure in-memory tests, no processes, nothing backend-specific
//   test/backend/  once per backend: the native addon, then the pure-JS fallback
//                  (PIDLOCK_NO_NATIVE=1); everything whose outcome the backend decides
//   test/once/     once, on one backend (native, or the first one listed): the CLI,
//                  single-instance and argument handling, which sit above the backend;
//                  where mixing backends matters, a case there spawns the other one
// Children inherit the choice, and each run asserts the backend it expects
// (PIDLOCK_EXPECT_BACKEND), so a silent fallback cannot pass as "native".
// Files run side by side (PIDLOCK_TEST_JOBS at a time, longest first by the
// last run's times); each file's output is printed whole when it ends.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const testDir = path.join(root, 'test');
const backends = (process.env.PIDLOCK_TEST_BACKENDS || 'native,js').split(',').filter(Boolean);
const onceBackend = backends.includes('native') ? 'native' : backends[0];
// Most tests wait on child processes rather than compute, so more files than
// cores run at once; emulated runs (scripts/cross/ci.sh) set this lower.
const jobsMax = Math.max(1, Number(process.env.PIDLOCK_TEST_JOBS) || 4);
const timesFile = path.join(root, '.tmp', 'test-times.json');
// A hung file must not eat CI's budget: the slowest file takes ~30 s natively
// and a few minutes under qemu, whose runs scale every bound by
// PIDLOCK_TEST_TIME_SCALE (scripts/cross/ci.sh sets 5).
const FILE_TIMEOUT_MS = 4 * 60_000 * Number(process.env.PIDLOCK_TEST_TIME_SCALE || 1);
// A file's own process group, so a timeout also ends the children it started
// (holders that would otherwise outlive it). Windows has no process groups.
const ownGroup = process.platform !== 'win32';

const listed = (dir) =>
  fs
    .readdirSync(path.join(testDir, dir))
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join('test', dir, f));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = only.length ? only : ['unit', 'backend', 'once'].flatMap(listed);

/** Which backends a file runs on, from the folder it sits in. */
function runsOn(file) {
  const dir = path.basename(path.dirname(path.resolve(root, file)));
  return dir === 'unit' || dir === 'once' ? [onceBackend] : backends;
}

/**
 * Whether the native backend loads here, asked once of a fresh process before
 * any file runs. Without the addon (no compiler when npm install built it) every
 * native run would fail alike, "expected backend native, got js"; this says why
 * once, and what to install. It still fails the run, as CI must.
 */
function nativeMissing() {
  const probe = `const p = require(${JSON.stringify(root)}); process.stdout.write(JSON.stringify({ backend: p.backend, why: p.loadError ? p.loadError.message : '' }))`;
  const env = { ...process.env };
  delete env.PIDLOCK_NO_NATIVE;
  const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, env, encoding: 'utf8' });
  let seen;
  try {
    seen = JSON.parse(r.stdout);
  } catch {
    return `the package does not load at all (did the build run? npm run build): ${r.stderr.trim()}`;
  }
  return seen.backend === 'native' ? null : seen.why;
}

if (backends.includes('native')) {
  const why = nativeMissing();
  if (why !== null) {
    console.error(
      `npm test: the native backend is not available, so no native test can pass; nothing was run.\n\n${why}\n\n` +
        'To build the addon: install a C++ compiler, make and Python 3 (Debian/Ubuntu: apt-get install build-essential python3;\n' +
        'Fedora: dnf install gcc-c++ make python3; macOS: xcode-select --install; Windows: Visual Studio Build Tools with\n' +
        '"Desktop development with C++"), then: npm run build:native\n' +
        'To test the pure-JS backend alone meanwhile: PIDLOCK_TEST_BACKENDS=js npm test',
    );
    process.exit(1);
  }
}

let lastTimes = {};
try {
  lastTimes = JSON.parse(fs.readFileSync(timesFile, 'utf8'));
} catch {
  // First run: bigger files first.
}
const jobs = files
  .flatMap((file) => runsOn(file).map((backend) => ({ file, backend, key: `${backend} ${file}` })))
  .map((job) => ({ ...job, guess: lastTimes[job.key] ?? fs.statSync(path.resolve(root, job.file)).size / 1000 }))
  .sort((a, b) => b.guess - a.guess);

function envFor(backend) {
  const env = { ...process.env, PIDLOCK_EXPECT_BACKEND: backend };
  // Node parses this CA bundle at every start-up. The suite starts ~250 Node
  // processes and none uses TLS; under qemu the parse doubles each start-up's
  // CPU (1.7 s -> 0.9 s without it), under Wine it costs 0.3 s.
  delete env.NODE_EXTRA_CA_CERTS;
  if (backend === 'js') env.PIDLOCK_NO_NATIVE = '1';
  else delete env.PIDLOCK_NO_NATIVE;
  return env;
}

function run(job) {
  return new Promise((resolve) => {
    const start = Date.now();
    let out = '';
    let err = '';
    // Each file runs in one process with the spec reporter (no `--test` parent
    // process per file: one Node start-up fewer per file, which counts under
    // emulation). --test-timeout bounds each test; FILE_TIMEOUT_MS the file as a
    // whole, so a child that never exits fails the run instead of hanging it.
    let child;
    try {
      child = spawn(process.execPath, ['--test-reporter=spec', `--test-timeout=${FILE_TIMEOUT_MS}`, job.file], {
        cwd: root,
        env: envFor(job.backend),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: ownGroup,
      });
    } catch (e) {
      // Node throws for some spawn errors instead of emitting 'error' (UNKNOWN among them).
      const title = `=== ${job.backend}: ${job.file} (not started) ===`;
      process.stdout.write(`\n${title}\n${e.stack}\n`);
      resolve({ ...job, ms: 0, pass: 0, fail: 1, skipped: 0, startFault: wineStartFault(e.stack), why: `${title}\n${e.stack}` });
      return;
    }
    const timer = setTimeout(() => {
      err += `\n${job.file} did not finish within ${FILE_TIMEOUT_MS / 1000} s: killed with its children\n`;
      try {
        if (ownGroup) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, FILE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('error', (e) => (err += `${e.stack}\n`));
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const count = (name) => Number((new RegExp(`^ℹ ${name} (\\d+)$`, 'm').exec(out) || [])[1] || 0);
      const failed = count('fail') + count('cancelled');
      const ms = Date.now() - start;
      const result = {
        ...job,
        ms,
        pass: count('pass'),
        // A file that crashed or was killed without a failing test still fails the run.
        fail: failed + (status !== 0 && failed === 0 ? 1 : 0),
        skipped: count('skipped') + count('todo'),
      };
      const how = status === 0 ? '' : `, exit ${status ?? signal}`;
      const title = `=== ${job.backend}: ${job.file} (${(ms / 1000).toFixed(1)} s${how}) ===`;
      process.stdout.write(`\n${title}\n${out}${err}`);
      if (result.fail) Object.assign(result, { startFault: wineStartFault(`${out}${err}`), why: `${title}\n${whyFailed(out, err)}` });
      resolve(result);
    });
  });
}

/**
 * Whether a failed file run failed by Wine's own process-start fault (how
 * often: README, "Prebuilds, Node and Electron versions"). WS2_32.dll's
 * initialisation, which loads its Unix half (ntdll/unix/virtual.c
 * get_builtin_unix_funcs), fails and the new process ends with
 * STATUS_DLL_INIT_FAILED (0xC0000142); when that happens before CreateProcess
 * returns, the parent's spawn() or spawnSync() fails with UNKNOWN. Only under
 * Wine (scripts/cross/ci.sh sets PIDLOCK_UNDER_WINE): there such a file run is
 * run once more, and its first run's failures are printed in the summary. Any
 * other failure, and a second failure of the same file, stands.
 */
const underWine = process.platform === 'win32' && process.env.PIDLOCK_UNDER_WINE === '1';
function wineStartFault(text) {
  return underWine && /\bspawn(?:Sync)?\b[^\n]* UNKNOWN\b|\b(?:3221225794|-1073741502)\b|\b0xC0000142\b/i.test(text);
}

/**
 * What a failed file run says about its failure, repeated after all files: the
 * run's log holds ~60 files' output, and CI shows only its end. The reporter's
 * own list of failing tests when there is one; otherwise (a crash, a timeout, a
 * non-zero exit with every test passing) the end of what the file printed.
 */
function whyFailed(out, err) {
  const text = `${out}${err}`.replace(/\r/g, '');
  const at = text.indexOf('\u2716 failing tests:');
  const lines = (at >= 0 ? text.slice(at) : text).trimEnd().split('\n');
  return (at >= 0 ? lines.slice(0, 80) : lines.slice(-40)).join('\n');
}

async function main() {
  const started = Date.now();
  const queue = [...jobs];
  const results = [];
  const rerun = [];
  const worker = async () => {
    while (queue.length) {
      const job = queue.shift();
      let result = await run(job);
      if (result.startFault) {
        rerun.push(result.why);
        result = await run(job);
      }
      results.push(result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobsMax, jobs.length) }, worker));

  const times = { ...lastTimes };
  for (const r of results) times[r.key] = r.ms;
  try {
    fs.mkdirSync(path.dirname(timesFile), { recursive: true });
    fs.writeFileSync(timesFile, JSON.stringify(times, null, 1));
  } catch {
    // Only the order of the next run depends on it.
  }

  const sum = (rs) =>
    rs.reduce((t, r) => ({ pass: t.pass + r.pass, fail: t.fail + r.fail, skipped: t.skipped + r.skipped }), {
      pass: 0,
      fail: 0,
      skipped: 0,
    });
  const line = (label, t) => `${label}: ${t.pass} passed, ${t.fail} failed, ${t.skipped} skipped`;
  const once = results.filter((r) => runsOn(r.file).length === 1 && backends.length > 1);
  if (rerun.length) {
    console.log(
      `\nRun again after Wine failed to start a process (STATUS_DLL_INIT_FAILED, not this package's; once each). The first run:\n${rerun.join('\n\n')}`,
    );
  }
  const failedRuns = results.filter((r) => r.why);
  if (failedRuns.length) console.log(`\n\u2716 failed file runs:\n${failedRuns.map((r) => r.why).join('\n\n')}`);
  const wall = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${jobs.length} file runs, ${Math.min(jobsMax, jobs.length)} at a time, ${wall} s wall`);
  if (once.length) console.log(`test/unit and test/once ran once, on ${onceBackend} (counted there): ${line('', sum(once)).slice(2)}`);
  for (const b of backends) console.log(line(b, sum(results.filter((r) => r.backend === b))));
  const total = sum(results);
  console.log(line('total', total));
  process.exit(total.fail === 0 && total.pass > 0 ? 0 : 1);
}

main();
