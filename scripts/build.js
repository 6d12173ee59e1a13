'use strict';
// Bundles src/index.ts and src/cli.ts into dist/, the only JavaScript the package
// ships (tsc writes only the .d.ts), and src/internal.ts into dist/internal.js: the
// repo's own tests and scripts reach internals through it, and it is never shipped
// (package.json `files`, scripts/pack-test.sh). Every entry sits directly in dist/,
// which is how the loader finds the package root (src/backend/addon.ts).
// Node built-ins are reached through process.getBuiltinModule, not `require`: when an
// app bundles this package into ESM output, esbuild turns every `require("node:fs")`
// into a helper that throws "Dynamic require of node:fs is not supported" at load
// time. getBuiltinModule (Node >= 20.16, Bun, Deno) is a plain call no bundler
// rewrites; older Node falls back to `require`, which is there whenever the
// package is not inside an ESM bundle.
const esbuild = require('esbuild');
const path = require('node:path');

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
    entryPoints: ['index', 'cli', 'internal'].map((name) => path.join(__dirname, '..', 'src', `${name}.ts`)),
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
