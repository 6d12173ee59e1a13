'use strict';
// `pidlock run` and signals, with real processes: whatever catchable signal
// pidlock gets, it keeps the lock until its command has exited and exits as the
// command did. Before, every signal that the exit hook caught (then signal-exit's
// set: SIGQUIT, SIGUSR2, SIGALRM, ...) made pidlock delete the lock and die while
// the command ran on, so a second `run` started a second job; SIGUSR1 opened an
// inspector port.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, tmpDir, fixture, startChild } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');
const posixOnly = process.platform === 'win32' && 'POSIX signals: Windows kill() terminates without running handlers';

// Every catchable signal whose default action ends a process: the set signal-exit
// hooked (this package's exit hook did, through it), plus SIGUSR1 and SIGPROF.
const FORWARDED = [
  ...['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGALRM', 'SIGABRT', 'SIGVTALRM', 'SIGXCPU', 'SIGXFSZ', 'SIGUSR2', 'SIGTRAP'],
  ...['SIGSYS', 'SIGQUIT', 'SIGIOT', 'SIGIO', 'SIGPOLL', 'SIGPWR', 'SIGSTKFLT', 'SIGUSR1', 'SIGPROF'],
].filter((s) => s in os.constants.signals);

function lockIn(dir) {
  return path.join(dir, '.job_lock.pid');
}

/** Resolves once the child's combined stdout contains `text`; fails after `ms`. */
async function outputHas(run, text, ms = 5000) {
  const until = Date.now() + ms;
  while (!run.output().includes(text)) {
    if (Date.now() > until) assert.fail(`no '${text}' from the command within ${ms} ms; stdout: ${run.output()}; stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A second `pidlock run --wait 0` on the same lock: its exit status. */
function secondRun(lock) {
  const r = spawnSync(process.execPath, [CLI, 'run', '--path', lock, '--wait', '0', '--', process.execPath, '-e', ''], {
    encoding: 'utf8',
    timeout: 30000,
  });
  assert.equal(r.error, undefined);
  return r.status;
}

/** TCP ports the process listens on (Linux: its socket inodes against /proc/net/tcp*). */
function listeningPorts(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // Closed while we looked.
    }
  }
  const ports = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.trim().split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[3] is the state (0A: LISTEN), f[9] the inode.
      if (f[3] === '0A' && inodes.has(f[9])) ports.push(parseInt(f[1].split(':')[1], 16));
    }
  }
  return ports;
}

function startRun(t, lock, trap, code, extra = []) {
  const run = startChild(CLI, [
    'run',
    '--path',
    lock,
    ...extra,
    '--',
    process.execPath,
    fixture('signal-child.js'),
    lock,
    trap,
    String(code),
  ]);
  // A command that outlives pidlock (the old bug) ends when its stdin, our pipe
  // to pidlock, closes. Never kill it by PID: by then that PID may be another
  // test's process.
  t.after(() => run.child.kill('SIGKILL'));
  return run;
}

test(
  'run: each catchable signal reaches the command, the lock stays held until it exits, and pidlock exits with its code',
  { skip: posixOnly },
  async (t) => {
    for (const s of ['SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGXCPU', 'SIGTERM'])
      assert.ok(FORWARDED.includes(s), `${s} is not tested`);
    const dir = tmpDir('pidlock-cli-signals-');
    for (const [i, sig] of FORWARDED.entries()) {
      const lock = lockIn(dir);
      const code = 20 + i;
      const run = startRun(t, lock, sig, code);
      const seen = JSON.parse(await run.firstLine);
      assert.equal(seen.lockContent, String(run.child.pid), `${sig}: the lock names pidlock while the command runs`);
      run.child.kill(sig);
      await outputHas(run, `got ${sig}\n`);
      // The command has the signal and still runs: the lock must still be held.
      assert.equal(secondRun(lock), 75, `${sig}: a second run must find the lock busy while the command runs`);
      assert.equal(fs.readFileSync(lock, 'utf8'), `${run.child.pid}\n`, `${sig}: the lock still names pidlock`);
      assert.deepEqual(run.output().match(/got \w+/g), [`got ${sig}`], `${sig}: delivered exactly once`);
      run.child.stdin.write('exit\n');
      const end = await run.exited;
      assert.deepEqual(
        { code: end.code, signal: end.signal },
        { code, signal: null },
        `${sig}: pidlock exits with the command's code; stderr: ${end.err}`,
      );
      assert.equal(fs.existsSync(lock), false, `${sig}: released once the command ended`);
      assert.doesNotMatch(end.err, /Debugger listening/, sig);
    }
  },
);

test('run: a command killed by the forwarded signal gives 128 + its number', { skip: posixOnly }, async (t) => {
  const dir = tmpDir('pidlock-cli-signals-');
  for (const sig of ['SIGUSR2', 'SIGALRM', 'SIGHUP']) {
    const lock = lockIn(dir);
    const run = startRun(t, lock, 'none', 0);
    await run.firstLine;
    run.child.kill(sig);
    const end = await run.exited;
    assert.deepEqual({ code: end.code, signal: end.signal }, { code: 128 + os.constants.signals[sig], signal: null }, `${sig}: ${end.err}`);
    assert.equal(fs.existsSync(lock), false, sig);
  }
});

test('run: SIGUSR1 opens no inspector in pidlock, while the command runs or while it waits', { skip: posixOnly }, async (t) => {
  const dir = tmpDir('pidlock-cli-signals-');
  const lock = lockIn(dir);
  const run = startRun(t, lock, 'SIGUSR1', 3);
  await run.firstLine;
  run.child.kill('SIGUSR1');
  await outputHas(run, 'got SIGUSR1\n');
  // The inspector starts within milliseconds of the signal; the child's answer took longer.
  if (process.platform === 'linux') assert.deepEqual(listeningPorts(run.child.pid), [], 'pidlock listens on a TCP port');
  run.child.stdin.write('exit\n');
  const end = await run.exited;
  assert.equal(end.code, 3, end.err);
  assert.doesNotMatch(end.err, /Debugger listening/);

  // Waiting for a held lock, before any command runs: SIGUSR1 ends the wait as
  // the signal's default action would (128 + 10), and the command never runs.
  const holder = startRun(t, lock, 'none', 0);
  await holder.firstLine;
  // A signal sent during Node's start-up would meet Node's defaults, whatever
  // pidlock does later: wait until pidlock says it listens.
  const waiter = startChild(CLI, ['run', '--path', lock, '--wait', '60', '--', process.execPath, '-e', 'console.log("ran")'], {
    env: { NODE_OPTIONS: `--require ${fixture('signal-ready.js')}` },
  });
  t.after(() => waiter.child.kill('SIGKILL'));
  const ready = Date.now() + 30000;
  while (!waiter.stderr().includes('pidlock-ready\n')) {
    if (Date.now() > ready) assert.fail(`pidlock never listened for SIGUSR1; stderr: ${waiter.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  waiter.child.kill('SIGUSR1');
  const timer = setTimeout(() => waiter.child.kill('SIGKILL'), 10000);
  const w = await waiter.exited;
  clearTimeout(timer);
  assert.deepEqual(
    { code: w.code, signal: w.signal },
    { code: 128 + os.constants.signals.SIGUSR1, signal: null },
    `the waiting pidlock: ${w.err}`,
  );
  assert.doesNotMatch(w.err, /Debugger listening/);
  assert.equal(w.err.replace('pidlock-ready\n', ''), '', 'pidlock prints nothing of its own');
  assert.equal(w.out, '', 'the command must not run');
  assert.equal(fs.readFileSync(lock, 'utf8'), `${holder.child.pid}\n`, "the holder's lock is untouched");
  holder.child.stdin.end();
  assert.equal((await holder.exited).code, 0);
});
