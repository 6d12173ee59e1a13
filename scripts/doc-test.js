#!/usr/bin/env node
'use strict';
// Runs every fenced block of README.md and docs/*.md the way a user would paste it,
// against the packed tarball. The conventions (also in CONTRIBUTING.md):
//
//   ```js / ```javascript / ```cjs   a file run with node (as .mjs when it has top-level
//                                    import/export), in a scratch project that has the
//                                    packed pidlock-native installed
//   ```mjs, ```ts, ```mts            likewise; TypeScript is compiled first by the repo's tsc
//   ```sh / ```bash / ```shell       a bash script in that project: a command that fails stops
//                                    the block and fails it, unless its exit code is allowed
//   ```console                       the same, for the lines that start with "$ " (the rest
//                                    is output and is not compared)
//   ```json / ```yaml                must parse
//   ```text                          not run: output, transcripts, schematics
//
// Anything else (no info string, ```cron, ...) fails, unless the block is marked.
// A block may be preceded (blank lines between are fine) by a hidden comment whose
// body is YAML:
//
//   <!-- doc-test
//   skip: why this block cannot run here (printed; use sparingly)
//   dir: name          blocks with the same dir share one scratch directory, in order
//   file: main.js      the name a JS/TS block is saved under (default block-<line>.<ext>)
//   run: false         only save (and compile) the file: its check or a later block runs it
//   deps: [pg]         extra npm packages, installed once into the scratch project
//                      (a bare name gets the version the repo itself has installed)
//   needs: [postgres]  a throwaway PostgreSQL cluster; PGHOST/PGUSER/... point at it
//   files: { name: content }   written into the directory before the block
//   setup: shell       run before the block (bash -e)
//   allow-exit: [1, 3] exit codes a command of the block may return
//   stdout: regex      the block's output (stdout and stderr) must match
//   check: shell       run after the block (bash -e): assertions on what it did
//   timeout: 120       seconds
//   -->
//
// Each block runs in its own directory (or its `dir`) under one scratch project, whose
// node_modules it sees through a symlink, with TMPDIR pointing into the scratch area so
// lock files never touch the real temp directory.
//   node scripts/doc-test.js [file.md ...]     (needs dist/ and prebuilds/: npm run build,
//                                                npm run prebuildify; npm run test:docs builds)
//   DOC_TEST_KEEP=1 keeps the scratch area for a look at a failure.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..');
const YAML = require(require.resolve('yaml', { paths: [root] }));

const RUN = {
  js: 'js',
  javascript: 'js',
  cjs: 'js',
  mjs: 'mjs',
  ts: 'ts',
  typescript: 'ts',
  mts: 'mts',
  sh: 'sh',
  bash: 'sh',
  shell: 'sh',
  console: 'console',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
};
const NOT_RUN = new Set(['text']);
const MARKER_KEYS = new Set(['skip', 'dir', 'file', 'deps', 'needs', 'files', 'setup', 'allow-exit', 'stdout', 'check', 'timeout', 'run']);

// ---------------------------------------------------------------------------------
// Extraction

/** Fenced blocks with their line, info string and the doc-test marker before them. */
function extract(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
    for (; j < lines.length && !close.test(lines[j]); j++)
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    const block = { file, line: i + 1, info: info.trim(), lang: info.trim().split(/\s+/)[0].toLowerCase(), text: body.join('\n') + '\n' };
    block.marker = markerBefore(lines, i, block);
    blocks.push(block);
    i = j;
  }
  return blocks;
}

function markerBefore(lines, i, block) {
  let k = i - 1;
  while (k >= 0 && lines[k].trim() === '') k--;
  if (k < 0 || !/-->\s*$/.test(lines[k])) return {};
  let start = k;
  while (start >= 0 && !lines[start].includes('<!--')) start--;
  const comment = lines.slice(start, k + 1).join('\n');
  const m = /<!--\s*doc-test\b:?([\s\S]*?)-->\s*$/.exec(comment);
  if (!m) return {};
  let marker;
  try {
    marker = YAML.parse(m[1].replace(/^\s*\n/, '')) ?? {};
  } catch (err) {
    block.markerError = `the doc-test comment at line ${start + 1} is not YAML: ${err.message}`;
    return {};
  }
  const unknown = Object.keys(marker).filter((key) => !MARKER_KEYS.has(key));
  if (unknown.length) block.markerError = `unknown doc-test key(s) ${unknown.join(', ')} at line ${start + 1}`;
  return marker;
}

// ---------------------------------------------------------------------------------
// The scratch project

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

/** A dep written without a version gets the repo's own installed version, so CI tests what the repo pins. */
function depSpec(dep) {
  if (/^(@[^/]+\/)?[^@]+@/.test(dep)) return dep;
  try {
    return `${dep}@${require(require.resolve(`${dep}/package.json`, { paths: [root] })).version}`;
  } catch {
    return dep;
  }
}

function makeProject(work, blocks) {
  const project = path.join(work, 'project');
  fs.mkdirSync(project);
  // --ignore-scripts: dist/ must be current (npm run test:docs builds first).
  const tarball = sh('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: root }).trim().split('\n').pop();
  const listed = sh('tar', ['-tzf', path.join(work, tarball)]);
  if (!listed.includes('package/prebuilds/')) throw new Error('the tarball has no prebuilds/: run npm run prebuildify first');
  const deps = new Set(['@types/node']);
  for (const b of blocks) for (const d of [].concat(b.marker.deps ?? [])) deps.add(d);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"doc-test-project","version":"1.0.0","private":true}\n');
  const specs = [path.join(work, tarball), ...[...deps].map(depSpec)];
  console.log(`doc-test: installing ${specs.map((s) => path.basename(s)).join(' ')}`);
  sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--silent', ...specs], { cwd: project });
  return project;
}

// ---------------------------------------------------------------------------------
// PostgreSQL: a private cluster on a Unix socket, started on first need

let pg;
function postgres() {
  if (pg) return pg.env;
  const bin = ['/usr/lib/postgresql']
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((v) => path.join(d, v, 'bin')))
    .find((d) => fs.existsSync(path.join(d, 'initdb')));
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  // Its own directory: the scratch area is root's 0700, and initdb refuses to run as root.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-test-pg-'));
  const asPg = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asPg.length) sh('chown', ['postgres', dir]);
  const run = (exe, args) => sh(asPg[0] ?? path.join(bin, exe), asPg.length ? [...asPg.slice(1), path.join(bin, exe), ...args] : args);
  run('initdb', ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const opts = `-c listen_addresses='' -k ${dir} -c fsync=off`;
  run('pg_ctl', ['-D', path.join(dir, 'data'), '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  pg = { dir, run, env: { PGHOST: dir, PGPORT: '5432', PGUSER: 'postgres', PGDATABASE: 'postgres' } };
  process.on('exit', () => {
    try {
      run('pg_ctl', ['-D', path.join(dir, 'data'), '-m', 'immediate', 'stop']);
    } catch {
      /* already down */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return pg.env;
}

// ---------------------------------------------------------------------------------
// Running

/** Runs a command in its own process group; kills the group (background jobs included) afterwards. */
function run(cmd, args, { cwd, env, timeout }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeout * 1000);
    // At exit, what the block left running in the background is killed: it would
    // keep the pipes open. Then 'close', once the pipes are drained.
    child.on('exit', () => killGroup(child.pid));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, timedOut });
    });
  });
}

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* the group is gone */
  }
}

/**
 * A shell block as a user pastes it, with one difference: a command that fails stops
 * the block (and says which), unless the marker allows its exit code.
 */
function shellScript(text, allow) {
  const prologue =
    `__doc_test_err() { local s=$?; case " ${allow.join(' ')} " in *" $s "*) return 0;; esac; ` +
    `echo "doc-test: exit $s at block line $1: $2" >&2; exit 97; }; ` +
    `trap '__doc_test_err $((LINENO - 1)) "$BASH_COMMAND"' ERR\n`;
  // The block ends well unless the trap said otherwise: its last command's allowed
  // exit code is not the block's.
  return `${prologue}${text}\ntrue\n`;
}

function consoleCommands(text) {
  return text
    .split('\n')
    .filter((l) => l.startsWith('$ '))
    .map((l) => l.slice(2))
    .join('\n');
}

function ext(lang, text) {
  if (lang === 'js') return /^\s*(import|export)\s/m.test(text) ? 'mjs' : 'js';
  return lang;
}

async function runBlock(block, ctx) {
  const m = block.marker;
  const kind = RUN[block.lang];
  const where = `${path.relative(root, block.file)}:${block.line}`;
  const fail = (why, out = '') => ({ status: 'FAIL', where, why, out });
  if (block.markerError) return fail(block.markerError);
  if (m.skip !== undefined) {
    if (typeof m.skip !== 'string' || !m.skip.trim()) return fail('skip: needs the reason the block cannot run here');
    return { status: 'skip', where, why: m.skip };
  }
  if (NOT_RUN.has(block.lang)) return { status: 'text', where };
  if (!kind)
    return fail(
      block.info
        ? `\`\`\`${block.info}: not a language the runner runs; mark it \`\`\`text, or add <!-- doc-test skip: why -->`
        : 'a fence without an info string: say what it is (```sh, ```js, ... to run it; ```text for output and schematics)',
    );
  if (kind === 'json') {
    try {
      JSON.parse(block.text);
      return { status: 'ok', where };
    } catch (err) {
      return fail(`not JSON: ${err.message}`, block.text);
    }
  }
  if (kind === 'yaml') {
    try {
      YAML.parse(block.text);
      return { status: 'ok', where };
    } catch (err) {
      return fail(`not YAML: ${err.message}`, block.text);
    }
  }

  const dirName = m.dir ? String(m.dir) : `${path.basename(block.file, '.md')}-${block.line}`;
  const cwd = path.join(ctx.project, 'blocks', dirName);
  if (!fs.existsSync(cwd)) {
    fs.mkdirSync(cwd, { recursive: true });
    fs.symlinkSync(path.join(ctx.project, 'node_modules'), path.join(cwd, 'node_modules'));
    fs.writeFileSync(path.join(cwd, 'package.json'), `{"name":"${dirName.toLowerCase().replace(/[^a-z0-9-]/g, '-')}","private":true}\n`);
  }
  const env = { ...process.env, TMPDIR: ctx.tmp, npm_config_update_notifier: 'false' };
  delete env.PIDLOCK_NO_NATIVE;
  try {
    for (const need of [].concat(m.needs ?? [])) {
      if (need === 'postgres') Object.assign(env, postgres());
      else return fail(`unknown need '${need}'`);
    }
  } catch (err) {
    return fail(`cannot provide what the block needs: ${err.message}`);
  }
  for (const [name, content] of Object.entries(m.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(cwd, name)), { recursive: true });
    fs.writeFileSync(path.join(cwd, name), String(content));
  }
  const timeout = Number(m.timeout ?? 120);
  const bash = (script, what) => run('bash', ['-e', '-c', script], { cwd, env, timeout }).then((r) => ({ ...r, what }));
  const failedStep = (r, label) => {
    if (r.timedOut) return fail(`${label} did not finish within ${timeout} s`, r.out);
    if (r.code === 97 && /^doc-test: exit /m.test(r.out)) return fail(`a command of ${label} failed`, r.out);
    if (r.code !== 0) return fail(`${label} exited ${r.code ?? r.signal}`, r.out);
    return null;
  };

  if (m.setup) {
    const r = await bash(String(m.setup));
    const f = failedStep(r, 'setup');
    if (f) return f;
  }

  let result;
  if (kind === 'sh' || kind === 'console') {
    const text = kind === 'console' ? consoleCommands(block.text) : block.text;
    const script = path.join(cwd, `block-${block.line}.sh`);
    fs.writeFileSync(script, shellScript(text, [].concat(m['allow-exit'] ?? []).map(String)));
    result = await run('bash', [script], { cwd, env, timeout });
  } else {
    const e = ext(kind, block.text);
    const file = path.join(cwd, m.file ? String(m.file) : `block-${block.line}.${e}`);
    fs.writeFileSync(file, block.text);
    let js = file;
    if (e === 'ts' || e === 'mts') {
      const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
      // The options a Node 20 project would pick; `using` needs the esnext.disposable lib.
      const args = [tsc, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022'];
      args.push('--lib', 'es2022,esnext.disposable', '--types', 'node', '--skipLibCheck', file);
      const r = await run(process.execPath, args, { cwd, env, timeout });
      if (r.code !== 0) return fail(`tsc ${path.basename(file)} exited ${r.code}`, r.out);
      js = file.replace(/\.(m?)ts$/, '.$1js');
    }
    result = m.run === false ? { code: 0, out: '' } : await run(process.execPath, [js], { cwd, env, timeout });
  }
  const f = failedStep(result, 'the block');
  if (f) return f;
  if (m.stdout !== undefined && !new RegExp(String(m.stdout), 'm').test(result.out))
    return fail(`its output does not match /${m.stdout}/`, result.out);
  if (m.check) {
    const r = await bash(String(m.check));
    const cf = failedStep(r, 'the check');
    if (cf) return { ...cf, out: `--- the block's output:\n${result.out}--- the check's output:\n${r.out}` };
  }
  return { status: 'ok', where, out: result.out };
}

// ---------------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  const args = process.argv.slice(2);
  const docs = args.length
    ? args.map((f) => path.resolve(f))
    : [
        path.join(root, 'README.md'),
        ...fs
          .readdirSync(path.join(root, 'docs'))
          .filter((f) => f.endsWith('.md'))
          .sort()
          .map((f) => path.join(root, 'docs', f)),
      ];
  const blocks = docs.flatMap(extract);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'doc-test-'));
  // DOC_TEST_KEEP=1 keeps the scratch area for a look at a failure.
  if (process.env.DOC_TEST_KEEP) console.log(`doc-test: scratch area ${work} (kept)`);
  else process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));
  process.on('SIGINT', () => process.exit(130));
  const tmp = path.join(work, 'tmp');
  fs.mkdirSync(tmp);
  const project = makeProject(work, blocks);
  const ctx = { work, project, tmp };
  const results = [];
  for (const block of blocks) {
    const s = Date.now();
    const r = await runBlock(block, ctx);
    results.push(r);
    const secs = ((Date.now() - s) / 1000).toFixed(1);
    if (r.status === 'FAIL') {
      console.log(`FAIL ${r.where} (\`\`\`${block.info || ''}): ${r.why}`);
      const shown = block.lang === 'console' ? consoleCommands(block.text) : block.text;
      console.log(`  the block:\n${indent(shown)}`);
      if (r.out) console.log(`  output:\n${indent(tail(r.out))}`);
    } else if (r.status === 'skip') console.log(`skip ${r.where}: ${r.why}`);
    else if (r.status === 'ok') console.log(`ok   ${r.where} ${block.lang} (${secs} s)`);
  }
  const count = (s) => results.filter((r) => r.status === s).length;
  const failed = count('FAIL');
  console.log(
    `doc-test: ${blocks.length} blocks in ${docs.length} files: ${count('ok')} ran, ${count('text')} text, ` +
      `${count('skip')} skipped, ${failed} failed (${Math.round((Date.now() - t0) / 1000)} s)`,
  );
  process.exitCode = failed ? 1 : 0;
}

const indent = (s) =>
  s
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
const tail = (s) => s.split('\n').slice(-60).join('\n');

main().catch((err) => {
  console.error(`doc-test: ${err.stack || err}`);
  process.exit(1);
});
