'use strict';
// The pidlock command, run as a real process (node dist/cli.js, as npx would).
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, tmpDir, fixture, startChild, runChild, deadPid, inCI } = require('../helpers');

const CLI = path.join(root, 'dist', 'cli.js');

function cli(args, opts = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30000, ...opts });
  // A failed spawn or a killed process shows up as status null; say which it was.
  assert.ok(
    !r.error && r.signal === null,
    `pidlock ${args.join(' ')}: ${r.error ? r.error.stack : `killed by ${r.signal}`}; stdout: ${r.stdout}; stderr: ${r.stderr}`,
  );
  return r;
}

/** The CLI's main() on each argv, in one child process: [{ status, stdout, stderr }]. */
function cliBatch(argvs) {
  const r = runChild(fixture('cli-batch.js'), [], { env: { CLI_BATCH: JSON.stringify(argvs) }, timeout: 30000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A lock in a fresh directory; `lock` is its path. */
function setup(name = 'job') {
  const dir = tmpDir('pidlock-cli-');
  return { dir, name, lock: path.join(dir, `.${name}_lock.pid`), opts: ['--name', name, '--dir', dir] };
}

/** A holder process that is killed when the test ends, even on failure, so no test run hangs. */
async function holdWithChild(t, lock) {
  const h = startChild(fixture('holder.js'), [lock]);
  t.after(() => h.child.kill('SIGKILL'));
  assert.match(await h.firstLine, /^acquired /);
  return h;
}

function oneLine(text) {
  assert.equal(text.trim().split('\n').length, 1, `expected one line, got: ${text}`);
  return text.trim();
}

test('--help works for the command and every subcommand', () => {
  // Two as real processes (exit code and stream), the rest in one process.
  const top = cli(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /^Usage: pidlock <command>/);
  const sub = cli(['run', '--help']);
  assert.equal(sub.status, 0);
  assert.match(sub.stdout, /^Usage: pidlock run /);
  const forms = ['run', 'status', 'alive', 'clean'].flatMap((c) => [
    [c, '--help'],
    [c, '-h'],
    ['help', c],
  ]);
  cliBatch(forms).forEach((r, i) => {
    const form = forms[i];
    const c = form[0] === 'help' ? form[1] : form[0];
    assert.equal(r.status, 0, form.join(' '));
    assert.match(r.stdout, new RegExp(`^Usage: pidlock ${c} `), form.join(' '));
    assert.match(r.stdout, /Exit codes:/);
    assert.equal(r.stderr, '', form.join(' '));
  });
});

test('bad arguments: one line naming the fix, exit 2', () => {
  const s = setup();
  const cases = [
    [[], /Usage: pidlock/],
    [['frob'], /unknown command 'frob'; use one of run, status, alive, clean/],
    [['status'], /name the lock: add --name NAME/],
    [['status', '--name', 'x', '--path', '/tmp/x'], /either --name .* or --path, not both/],
    [['status', '--nmae', 'x'], /unknown option '--nmae'; see 'pidlock status --help'/],
    [['status', '--name'], /option '--name' needs a value/],
    [['status', '--name', 'x', '--port', '99999'], /invalid port "99999": use an integer from 0 to 65535/],
    [['status', '--name', 'a/b'], /invalid lock name "a\/b": use a non-empty name without/],
    [['status', '--path', '/tmp/x', '--dir', '/tmp'], /--port and --dir go with --name/],
    [['run', ...s.opts, '--wait', 'soon', '--', 'true'], /invalid --wait 'soon': use a number of seconds >= 0/],
    [['run', ...s.opts], /give the command after '--'/],
    [['run', ...s.opts, 'echo', 'hi'], /put the command after '--', as in 'pidlock run --name job -- echo hi'/],
    [['alive'], /give at least one PID/],
    [['alive', '12x'], /invalid PID '12x': use a positive decimal integer/],
    [['alive', '0'], /invalid PID '0'/],
    [
      ['run', ...s.opts, '--wait', '0x10', '--', 'true'],
      /invalid --wait '0x10': write the seconds in decimal; use a number of seconds >= 0/,
    ],
    [['run', ...s.opts, '--wait', '1e3', '--', 'true'], /invalid --wait '1e3': write the seconds in decimal/],
    [['run', ...s.opts, '--wait', '-1', '--', 'true'], /invalid --wait '-1': a wait cannot be negative; use a number of seconds >= 0/],
    [['run', ...s.opts, '--wait', '99999999', '--', 'true'], /invalid --wait '99999999': at most 2147483 seconds .*use --wait inf/],
    [
      ['run', '--name', '-x', '--', 'true'],
      /option '--name' needs a value, as in '--name VALUE'; a value that starts with '-' goes as '--name=-VALUE'/,
    ],
    [['status', '--name', 'x', '--port', '-1'], /invalid port "-1": use an integer from 0 to 65535/],
    [['status', '--name', 'x', '--json=1'], /option '--json' takes no value; write just '--json'/],
  ];
  // One as a real process (exit code 2, stderr), the rest in one process.
  const real = cli(['frob']);
  assert.equal(real.status, 2, real.stderr);
  assert.match(oneLine(real.stderr), cases[1][1]);
  assert.equal(real.stdout, '');
  cliBatch(cases.map(([args]) => args)).forEach((r, i) => {
    const [args, message] = cases[i];
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    if (args.length > 0) assert.match(oneLine(r.stderr), message);
    else assert.match(r.stderr, message);
  });
  assert.equal(fs.existsSync(s.lock), false, 'a usage error must not take the lock');
});

test("with --json, usage errors are one JSON line on stderr; a --json after -- is the command's", () => {
  const s = setup();
  const missing = path.join(s.dir, 'missing-dir', 'x.pid');
  const asJson = [
    [['run', ...s.opts, '--json', '--wait', '0x10', '--', 'true'], /^invalid --wait '0x10': write the seconds in decimal/],
    [['run', ...s.opts, '--wait', '-1', '--json', '--', 'true'], /^invalid --wait '-1': a wait cannot be negative/],
    [['status', '--json'], /^name the lock: add --name NAME/],
    [['status', '--json', '--nmae', 'x'], /^unknown option '--nmae'/],
    [['frob', '--json'], /^unknown command 'frob'/],
  ];
  const plain = [
    [['run', ...s.opts, '--wait', 'soon', '--', 'true', '--json'], 2, /^pidlock run: invalid --wait 'soon'/],
    [['run', '--path', missing, '--', process.execPath, '-e', '', '--json'], 71, /^pidlock run: ENOENT: cannot \w+ lock file /],
  ];
  const results = cliBatch([...asJson.map(([a]) => a), ...plain.map(([a]) => a)]);
  asJson.forEach(([args, message], i) => {
    const r = results[i];
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    let report;
    assert.doesNotThrow(() => (report = JSON.parse(oneLine(r.stderr))), `${args.join(' ')}: not JSON: ${r.stderr}`);
    assert.equal(report.error, 'usage', args.join(' '));
    assert.match(report.message, message, args.join(' '));
  });
  plain.forEach(([args, status, message], i) => {
    const r = results[asJson.length + i];
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLine(r.stderr), message, `${args.join(' ')}: the command's --json changed pidlock's output`);
  });
  assert.equal(fs.existsSync(s.lock), false, 'a usage error must not take the lock');
});

test('run holds the lock while the command runs and exits with its code', () => {
  const s = setup();
  const r = cli(['run', ...s.opts, '--', process.execPath, fixture('cli-child.js'), s.lock, '7']);
  assert.equal(r.status, 7, r.stderr);
  const seen = JSON.parse(r.stdout.trim());
  // The lock names pidlock itself, the child's parent, for as long as the child runs.
  assert.equal(seen.lockContent, String(seen.ppid));
  assert.equal(fs.existsSync(s.lock), false, 'released after the command ended');
  assert.equal(cli(['run', ...s.opts, '--', process.execPath, '-e', '']).status, 0);
});

test('run with --path, and the command not found (127)', () => {
  const s = setup();
  const ok = cli(['run', '--path', s.lock, '--', process.execPath, fixture('cli-child.js'), s.lock, '0']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).lockContent, String(JSON.parse(ok.stdout).ppid));
  const missing = cli(['run', '--path', s.lock, '--', 'no-such-command-pidlock-test']);
  assert.equal(missing.status, 127);
  assert.match(oneLine(missing.stderr), /cannot run 'no-such-command-pidlock-test': command not found/);
  assert.equal(fs.existsSync(s.lock), false);
});

test(
  'run: a child killed by a signal gives 128 + its number',
  { skip: process.platform === 'win32' && 'POSIX signals: Windows kill() terminates with exit code 1' },
  () => {
    const s = setup();
    for (const sig of ['SIGKILL', 'SIGTERM']) {
      const r = cli(['run', ...s.opts, '--', process.execPath, fixture('cli-child.js'), s.lock, sig]);
      assert.equal(r.status, 128 + os.constants.signals[sig], `${sig}: ${r.stderr}`);
      assert.equal(fs.existsSync(s.lock), false);
    }
  },
);

test('run on a held lock exits 75 and names the holder and the path', async (t) => {
  const s = setup();
  const h = await holdWithChild(t, s.lock);
  try {
    const r = cli(['run', ...s.opts, '--', process.execPath, '-e', 'process.exit(0)']);
    assert.equal(r.status, 75);
    assert.equal(r.stdout, '', 'the command must not run');
    const line = oneLine(r.stderr);
    assert.ok(line.includes(`PID ${h.child.pid}`), line);
    assert.ok(line.includes(s.lock), line);
    const j = cli(['run', ...s.opts, '--wait', '0.3', '--json', '--', process.execPath, '-e', '']);
    assert.equal(j.status, 75);
    const report = JSON.parse(oneLine(j.stderr));
    assert.deepEqual(
      { error: report.error, path: report.path, pid: report.pid, alive: report.alive },
      { error: 'busy', path: s.lock, pid: h.child.pid, alive: true },
    );
    assert.equal(fs.readFileSync(s.lock, 'utf8'), `${h.child.pid}\n`, 'the holder keeps its lock');
  } finally {
    h.child.stdin.write('release\n');
    await h.exited;
  }
});

test('run --wait gets the lock once the holder releases it', async (t) => {
  const s = setup();
  const h = await holdWithChild(t, s.lock);
  const run = spawn(
    process.execPath,
    [CLI, 'run', ...s.opts, '--wait', '60', '--', process.execPath, fixture('cli-child.js'), s.lock, '5'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => run.kill('SIGKILL'));
  let out = '';
  run.stdout.on('data', (d) => (out += d));
  const done = new Promise((resolve) => run.on('exit', (code) => resolve(code)));
  h.child.stdin.write('release\n');
  await h.exited;
  assert.equal(await done, 5);
  const seen = JSON.parse(out.trim());
  assert.equal(seen.lockContent, String(run.pid));
});

test(
  'run forwards SIGINT, SIGTERM and SIGHUP to the command',
  { skip: process.platform === 'win32' && 'POSIX signals: Windows kill() terminates without running handlers' },
  async (t) => {
    const s = setup();
    for (const [i, sig] of ['SIGINT', 'SIGTERM', 'SIGHUP'].entries()) {
      const run = startChild(CLI, ['run', ...s.opts, '--', process.execPath, fixture('cli-child.js'), s.lock, 'wait']);
      t.after(() => run.child.kill('SIGKILL'));
      const seen = JSON.parse(await run.firstLine);
      // The child installs its handlers before it prints that line.
      run.child.kill(sig);
      const { code, out } = await run.exited;
      assert.ok(out.includes(`got ${sig}`), `${sig}: ${out}`);
      assert.equal(code, 40 + i, `${sig}: pidlock exits with the child's code`);
      assert.equal(seen.lockContent, String(run.child.pid));
      assert.equal(fs.existsSync(s.lock), false, `${sig}: released`);
    }
  },
);

test('status: held by a live process (0), stale (1), free (1)', async (t) => {
  const s = setup();
  const free = cli(['status', ...s.opts, '--json']);
  assert.equal(free.status, 1);
  assert.deepEqual(JSON.parse(free.stdout), {
    path: s.lock,
    state: 'free',
    pid: null,
    alive: null,
    stale: false,
    reason: 'no lock file',
    origin: null,
    host: null,
  });

  const h = await holdWithChild(t, s.lock);
  const held = cli(['status', ...s.opts, '--json']);
  assert.equal(held.status, 0, held.stderr);
  const hj = JSON.parse(held.stdout);
  assert.deepEqual(
    { ...hj, reason: undefined },
    { path: s.lock, state: 'held', pid: h.child.pid, alive: true, stale: false, reason: undefined, origin: 'here', host: null },
  );
  const text = cli(['status', '--path', s.lock]);
  assert.equal(text.status, 0);
  assert.ok(!text.stdout.includes('\x1b'), 'no colour when stdout is not a terminal');
  assert.match(
    text.stdout,
    new RegExp(
      `^path: +${s.lock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nstate: +held\npid: +${h.child.pid}\nalive: +true\nstale: +false\n`,
    ),
  );

  h.child.kill('SIGKILL');
  await h.exited;
  const stale = cli(['status', ...s.opts, '--json']);
  assert.equal(stale.status, 1);
  const sj = JSON.parse(stale.stdout);
  assert.deepEqual(
    { state: sj.state, pid: sj.pid, alive: sj.alive, stale: sj.stale },
    { state: 'stale', pid: h.child.pid, alive: false, stale: true },
  );
  assert.match(sj.reason, /not running/);
  assert.ok(fs.existsSync(s.lock), 'status never removes anything');
});

test('status on a path it cannot read as a lock exits 2', () => {
  const s = setup();
  fs.mkdirSync(s.lock);
  const r = cli(['status', '--path', s.lock]);
  assert.equal(r.status, 2);
  assert.match(oneLine(r.stderr), /EISDIR/);
  const j = cli(['status', '--path', s.lock, '--json']);
  assert.equal(j.status, 2);
  assert.equal(j.stdout, '');
  assert.equal(JSON.parse(oneLine(j.stderr)).error, 'EISDIR');
});

test('alive prints true / false per PID and exits 0 only if all are alive', async (t) => {
  const dead = deadPid();
  const h = await holdWithChild(t, path.join(setup().lock));
  try {
    const mixed = cli(['alive', String(process.pid), String(dead), String(h.child.pid)]);
    assert.equal(mixed.status, 1);
    assert.equal(mixed.stdout, `${process.pid} true\n${dead} false\n${h.child.pid} true\n`);
    const all = cli(['alive', String(process.pid), String(h.child.pid)]);
    assert.equal(all.status, 0);
    const j = cli(['alive', '--json', String(dead)]);
    assert.equal(j.status, 1);
    assert.deepEqual(JSON.parse(j.stdout), [{ pid: dead, alive: false }]);
  } finally {
    h.child.stdin.write('release\n');
    await h.exited;
  }
});

test('clean removes only a stale lock and says what it did', async (t) => {
  const s = setup();
  const none = cli(['clean', ...s.opts]);
  assert.equal(none.status, 0);
  assert.match(none.stdout, /no lock at .*; nothing to do/);

  const h = await holdWithChild(t, s.lock);
  const kept = cli(['clean', ...s.opts]);
  assert.equal(kept.status, 1);
  assert.match(kept.stdout, /is held \(.+\); left it alone/);
  const keptJson = cli(['clean', ...s.opts, '--json']);
  assert.equal(keptJson.status, 1);
  assert.deepEqual(
    { ...JSON.parse(keptJson.stdout), reason: undefined },
    { path: s.lock, action: 'kept', pid: h.child.pid, reason: undefined },
  );
  assert.ok(fs.existsSync(s.lock));
  h.child.kill('SIGKILL');
  await h.exited;

  const removed = cli(['clean', ...s.opts, '--json']);
  assert.equal(removed.status, 0, removed.stderr);
  assert.deepEqual(JSON.parse(removed.stdout), {
    path: s.lock,
    action: 'removed',
    pid: h.child.pid,
    reason: `owner ${h.child.pid} is not running`,
  });
  assert.equal(fs.existsSync(s.lock), false);
});

test('run takes over a stale lock left by a killed holder', async () => {
  const s = setup();
  fs.writeFileSync(s.lock, `${deadPid()}\n`);
  const r = cli(['run', ...s.opts, '--', process.execPath, fixture('cli-child.js'), s.lock, '0']);
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  assert.equal(seen.lockContent, String(seen.ppid));
});

test(
  'colour only on a terminal, never in --json',
  { skip: process.platform !== 'linux' && 'needs util-linux script(1) for a pseudo-terminal' },
  (t) => {
    if (spawnSync('script', ['--version']).error) {
      // util-linux script(1) gives the child a pseudo-terminal; without it there is no TTY to test.
      if (inCI) assert.fail('script(1) is missing in CI');
      t.skip('NEEDS script(1) from util-linux to run the CLI on a pseudo-terminal');
      return;
    }
    const onTty = (args) => spawnSync('script', ['-qec', [process.execPath, CLI, ...args].join(' '), '/dev/null'], { encoding: 'utf8' });
    const text = onTty(['alive', String(process.pid)]);
    assert.equal(text.status, 0);
    assert.ok(text.stdout.includes('\x1b[32mtrue\x1b[0m'), JSON.stringify(text.stdout));
    const asJson = onTty(['alive', '--json', String(process.pid)]);
    assert.equal(asJson.status, 0);
    assert.ok(!asJson.stdout.includes('\x1b'), JSON.stringify(asJson.stdout));
    assert.deepEqual(JSON.parse(asJson.stdout), [{ pid: process.pid, alive: true }]);
    const noColor = spawnSync('script', ['-qec', [process.execPath, CLI, 'alive', String(process.pid)].join(' '), '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.ok(!noColor.stdout.includes('\x1b'), 'NO_COLOR turns it off');
  },
);

test('run: a lock file that cannot be created exits 71 without running the command', () => {
  const s = setup();
  const lock = path.join(s.dir, 'missing-dir', 'x.pid');
  const r = cli(['run', '--path', lock, '--', process.execPath, '-e', 'console.log("ran")']);
  assert.equal(r.status, 71);
  assert.equal(r.stdout, '');
  assert.match(oneLine(r.stderr), /ENOENT: cannot \w+ lock file .*the directory does not exist/);
});
