'use strict';
// Bundles src/index.ts and src/cli.ts into dist/, the only JavaScript the package
// ships (tsc writes only the .d.ts). dist/internal/ holds bundles for the repo's own
// tests and scripts, never shipped (package.json `files`, scripts/pack-test.sh):
// internal/index (the CLI's main() and the selected backend), internal/addon (the
// prebuild list), and internal/src/<module>.js, each module test/unit/ loads, by
// itself (test/unit/load-src.js; no addon, and no esbuild needed under emulation).
// Node built-ins are reached through process.getBuiltinModule, not `require`: when an
// app bundles this package into ESM output, esbuild turns every `require("node:fs")`
// into a helper that throws "Dynamic require of node:fs is not supported" at load
// time. getBuiltinModule (Node >= 20.16, Bun, Deno) is a plain call no bundler
// rewrites; older Node falls back to `require`, which is there whenever the
// package is not inside an ESM bundle.
const esbuild = require('esbuild');
const path = require('node:path');

/** The src/ modules test/unit/ loads one by one; none may import the backend. */
const UNIT_MODULES = ['rules', 'lockfile', 'paths', 'wait', 'domain', 'sidefiles', 'backend/fsinfo'];

const builtins = {
  name: 'builtins',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents:
        `module.exports = typeof process.getBuiltinModule === 'function' ? ` +
        `process.getBuiltinModule(${JSON.stringify(args.path)}) : require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

esbuild
  .build({
    entryPoints: Object.fromEntries(
      Object.entries({
        index: 'src/index.ts',
        cli: 'src/cli.ts',
        'internal/index': 'src/internal.ts',
        'internal/addon': 'src/backend/addon.ts',
        ...Object.fromEntries(UNIT_MODULES.map((m) => [`internal/src/${m}`, `src/${m}.ts`])),
      }).map(([out, src]) => [out, path.join(__dirname, '..', src)]),
    ),
    outdir: path.join(__dirname, '..', 'dist'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['node-gyp-build'],
    // `pidlock --version` (src/cli/main.ts).
    define: { PIDLOCK_VERSION: JSON.stringify(require('../package.json').version) },
    plugins: [builtins],
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
