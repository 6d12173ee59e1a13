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

/**
 * Built-ins that take milliseconds to load (each pulls in streams or OpenSSL; in a
 * script, node:worker_threads alone cost more than the rest of the package) and
 * that a plain tryAcquire() never touches. Each is bound lazily: its stand-in
 * carries the module's export names (read here, at build time) as getters that
 * load it on the first read, so `import { isMainThread } from
 * 'node:worker_threads'` costs nothing until a waiter asks. bench/sections/load.js measures what this saves.
 */
const LAZY = ['node:net', 'node:worker_threads'];

const builtins = {
  name: 'builtins',
  setup(build) {
    // The stand-in's own `require` fallback (Node before 20.16) must reach Node, not the stand-in again.
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' },
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const name = JSON.stringify(args.path);
      const load = `typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(${name}) : require(${name})`;
      if (!LAZY.includes(args.path)) return { contents: `module.exports = ${load};`, loader: 'js' };
      return {
        contents:
          `let loaded;\nconst get = () => (loaded ??= ${load});\nmodule.exports = {};\n` +
          `for (const key of ${JSON.stringify(Object.keys(require(args.path)))})\n` +
          '  Object.defineProperty(module.exports, key, { enumerable: true, get: () => get()[key] });\n',
        loader: 'js',
      };
    });
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
