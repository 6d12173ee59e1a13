#!/usr/bin/env node
'use strict';
// CI for bundled apps: bundle a small app with each bundler the way apps ship it, move the
// output to a fresh directory away from any node_modules, copy the prebuilds next to
// it as docs/electron.md says, run it, and check that the native backend is active
// and that the lock refuses a second process. Uses the packed tarball, so what is
// bundled is what npm users get.
//   node scripts/bundlers/run.js            (needs prebuilds/linux-x64: npm run prebuildify)
//   BUN=/path/to/bun node scripts/bundlers/run.js   also checks `bun build`
const { spawnSync, execFileSync } = require('node:child_process');
const { startChild } = require('../lib/child');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const need = (m) => require(require.resolve(m, { paths: [root] }));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-bundlers-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

function sh(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
}

// The app project: the tarball installed without scripts, like a user's.
const app = path.join(work, 'app');
fs.mkdirSync(app);
const tarball = sh('npm', ['pack', '--silent', '--pack-destination', work], {
  cwd: root,
  env: { ...process.env, PIDLOCK_SKIP_PREBUILD_CHECK: '1' },
})
  .trim()
  .split('\n')
  .pop();
fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}\n');
sh('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--silent', path.join(work, tarball)], { cwd: app });
for (const f of ['app.cjs', 'app.mjs']) fs.copyFileSync(path.join(__dirname, f), path.join(app, f));
const prebuilds = path.join(app, 'node_modules', 'pidlock-native', 'prebuilds');
if (!fs.existsSync(prebuilds)) throw new Error('the tarball has no prebuilds/: run npm run prebuildify first');

const builds = {
  async 'esbuild cjs'(out) {
    await need('esbuild').build({
      entryPoints: [path.join(app, 'app.cjs')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: path.join(out, 'main.js'),
      logLevel: 'warning',
    });
    return 'main.js';
  },
  async 'esbuild esm'(out) {
    await need('esbuild').build({
      entryPoints: [path.join(app, 'app.mjs')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: path.join(out, 'main.mjs'),
      logLevel: 'warning',
    });
    return 'main.mjs';
  },
  async 'esbuild esm + createRequire banner'(out) {
    const banner = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
    await need('esbuild').build({
      entryPoints: [path.join(app, 'app.mjs')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      banner: { js: banner },
      outfile: path.join(out, 'main.mjs'),
      logLevel: 'warning',
    });
    return 'main.mjs';
  },
  async 'webpack 5'(out) {
    const webpack = need('webpack');
    const stats = await new Promise((resolve, reject) =>
      webpack(
        { mode: 'production', target: 'node', context: app, entry: './app.cjs', output: { path: out, filename: 'main.js' } },
        (err, s) => (err ? reject(err) : resolve(s)),
      ),
    );
    if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
    return 'main.js';
  },
  // electron-vite builds the main process as a Vite SSR build (Rollup); bundling the
  // package means listing it in ssr.noExternal (externalizeDepsPlugin leaves it out).
  'vite (rollup) es': (out) => viteBuild(out, 'app.mjs', 'es', 'main.mjs'),
  'vite (rollup) cjs': (out) => viteBuild(out, 'app.cjs', 'cjs', 'main.js'),
};
async function viteBuild(out, entry, format, file) {
  await need('vite').build({
    root: app,
    logLevel: 'warn',
    configFile: false,
    ssr: { noExternal: true },
    build: {
      ssr: path.join(app, entry),
      outDir: out,
      emptyOutDir: true,
      rollupOptions: { output: { format, entryFileNames: file } },
    },
  });
  return file;
}

if (process.env.BUN) {
  builds['bun build'] = async (out) => {
    sh(process.env.BUN, ['build', '--target=node', path.join(app, 'app.mjs'), '--outfile', path.join(out, 'main.mjs')], { cwd: app });
    const text = fs.readFileSync(path.join(out, 'main.mjs'), 'utf8');
    if (text.includes(app) || text.includes(root)) throw new Error('bun build baked a build-machine path into the bundle');
    return 'main.mjs';
  };
}

const start = (runtime, file, dir) => startChild(runtime, [file, dir], { cwd: path.dirname(file) });

async function check(name) {
  const build = path.join(work, 'build', name.replace(/\W+/g, '-'));
  const entry = await builds[name](build);
  // Moved away: no node_modules above it, so only the recipe can make native work.
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'pidlock-bundled-'));
  try {
    fs.cpSync(build, dest, { recursive: true });
    fs.cpSync(prebuilds, path.join(dest, 'pidlock-native', 'prebuilds'), { recursive: true });
    const lockDir = fs.mkdtempSync(path.join(dest, 'locks-'));
    // Bun's bundle runs under Bun, the others under Node.
    const runtime = name === 'bun build' ? process.env.BUN : process.execPath;
    const first = start(runtime, path.join(dest, entry), lockDir);
    const got = await first.line;
    const second = spawnSync(runtime, [path.join(dest, entry), lockDir], { encoding: 'utf8', input: '' });
    first.child.stdin.end();
    await new Promise((r) => first.child.on('exit', r));
    const third = spawnSync(runtime, [path.join(dest, entry), lockDir], { encoding: 'utf8', input: '' });
    const seen = [got, second.stdout.trim(), third.stdout.trim()];
    const want = ['native acquired', 'native refused', 'native acquired'];
    if (JSON.stringify(seen) !== JSON.stringify(want))
      throw new Error(`${name}: got ${JSON.stringify(seen)}, want ${JSON.stringify(want)}; stderr: ${second.stderr}${third.stderr}`);
    console.log(`bundlers: ok: ${name}: ${seen.join(', ')}`);
  } finally {
    fs.rmSync(dest, { recursive: true, force: true });
  }
}

(async () => {
  let failed = 0;
  for (const name of Object.keys(builds)) {
    try {
      await check(name);
    } catch (err) {
      failed++;
      console.error(`bundlers: FAIL: ${name}: ${err.stack || err}`);
    }
  }
  process.exit(failed ? 1 : 0);
})();
