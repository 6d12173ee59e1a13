import fs = require('node:fs');
import path = require('node:path');

/**
 * The addon loader, in node-gyp-build's shape: resolve (where the binary may be),
 * then load (the first place that yields our addon), and when nothing loads, say
 * why, place by place, with the fix. native.ts turns the loaded addon into the
 * Backend; this file knows nothing of its exports beyond the `accept` check it is
 * given.
 *
 * Chosen design (docs/electron.md, "Bundlers"): the package looks for its binary
 * at run time in a short, fixed list of places, instead of letting a bundler
 * resolve a static `require('./x.node')`. A static require needs a per-bundler
 * loader (esbuild `copy`, webpack `node-loader`, a Rollup plugin), fails the build
 * when any platform's file is absent, and in ESM output needs `require` again. A
 * fixed list works the same under every bundler and under Bun and Deno; the only
 * recipe is "copy our prebuilds/ next to the bundle" (or set PIDLOCK_NATIVE_PATH).
 * Nothing here runs at module top level.
 */

/** The release's prebuilds: one home, read by scripts/check-prebuilds.js too. */
export const PREBUILDS: Readonly<Record<string, { file: string; machine: string }>> = {
  'linux-x64': { file: 'node.napi.node', machine: 'x86-64' },
  'linux-arm64': { file: 'node.napi.armv8.node', machine: 'aarch64' },
  'win32-x64': { file: 'node.napi.node', machine: 'x86-64' },
  'darwin-x64': { file: 'node.napi.node', machine: 'x86-64' },
  'darwin-arm64': { file: 'node.napi.armv8.node', machine: 'aarch64' },
};

function prebuildPath(platform: string = process.platform, arch: string = process.arch): string {
  const p = `${platform}-${arch}`;
  return `prebuilds/${p}/${PREBUILDS[p]?.file ?? 'node.napi.node'}`;
}

/** The directory a copied prebuilds/ lives in, next to a bundle. */
const BUNDLE_DIR_NAME = 'pidlock-native';

/** Shipped in the tarball (package.json `files`), so the path is valid wherever the package is installed. */
const RECIPE_DOC = 'node_modules/pidlock-native/docs/electron.md ("Bundlers")';

interface Candidate {
  file: string;
  why: string;
}

/**
 * The package's directory when it runs unbundled: every entry (index.js, cli.js,
 * and the repo's own internal.js) is a bundle directly in dist/, so the root is
 * one level up from any of them. `module` is the real CommonJS module only then:
 * bundlers give a module their own object, without `filename`, and none of them
 * rewrites it to a build machine's path the way `bun build` inlines `__dirname`.
 */
function packageRoot(): string | undefined {
  const file = typeof module === 'object' && module !== null ? (module as { filename?: unknown }).filename : undefined;
  return typeof file === 'string' && path.isAbsolute(file) ? path.dirname(path.dirname(file)) : undefined;
}

/**
 * The file this code runs from, read off a stack trace. Not `__dirname`: `bun build`
 * replaces that with the build machine's path, and ESM output has none.
 */
function ownFile(): string | undefined {
  const stack = new Error().stack ?? '';
  const m = /(?:\(|at |@)((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):\d+:\d+/.exec(stack);
  if (!m) return undefined;
  const file = m[1];
  return file.startsWith('file://') ? decodeURIComponent(new URL(file).pathname) : file;
}

/** Directories a bundle may run from: its own, then the entry script's, then Electron's resources. */
function bundleDirs(): string[] {
  const dirs: string[] = [];
  const own = ownFile();
  if (own !== undefined) dirs.push(path.dirname(own));
  const entry = process.argv[1];
  if (typeof entry === 'string' && path.isAbsolute(entry)) dirs.push(path.dirname(entry));
  const resources = (process as { resourcesPath?: unknown }).resourcesPath;
  if (typeof resources === 'string') dirs.push(path.join(resources, 'app.asar.unpacked'), resources);
  return [...new Set(dirs)];
}

function candidates(env: NodeJS.ProcessEnv): Candidate[] {
  const rel = prebuildPath();
  const list: Candidate[] = [];
  const root = packageRoot();
  if (root !== undefined) {
    // node-gyp-build's order: a from-source build first (unless PREBUILDS_ONLY), then
    // the prebuild. A build that does not load (another arch, as @electron/rebuild
    // can leave behind) falls through to the prebuild instead of failing.
    if (!env.PREBUILDS_ONLY) list.push({ file: path.join(root, 'build', 'Release', 'pidlock.node'), why: 'from-source build' });
    list.push({ file: path.join(root, rel), why: 'shipped prebuild' });
    return list;
  }
  for (const dir of bundleDirs()) {
    list.push({ file: path.join(dir, BUNDLE_DIR_NAME, rel), why: 'copied next to the bundle' });
  }
  return list;
}

/** Loads a .node file without `require`, which an ESM bundle may not have. */
function dlopen(file: string): unknown {
  const mod = { exports: {} as unknown };
  process.dlopen(mod, file);
  return mod.exports;
}

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * What to do when nothing loaded, in words a log line can carry. An installed
 * package (it has a root) lacks a binary for this machine: build one or use a
 * platform with a prebuild. A bundle lacks the copy of our prebuilds/: the recipe.
 */
function remedy(root: string | undefined = packageRoot()): string {
  if (root !== undefined) {
    const platform = `${process.platform}-${process.arch}`;
    const shipped = Object.keys(PREBUILDS);
    const why = shipped.includes(platform)
      ? `this package's prebuild for ${platform} is missing from ${root} (a git clone, or files removed): reinstall it from npm`
      : `there is no prebuild for ${platform} (prebuilds: ${shipped.join(', ')})`;
    return (
      `${why}; or install a C++ compiler and Python (what node-gyp needs) and run 'npm rebuild pidlock-native'; ` +
      `or use a platform with a prebuild, or set PIDLOCK_NATIVE_PATH to the .node file`
    );
  }
  return (
    `Copy node_modules/pidlock-native/prebuilds/ to <bundle dir>/${BUNDLE_DIR_NAME}/prebuilds/ ` +
    `(so ${BUNDLE_DIR_NAME}/${prebuildPath()} sits next to the bundled script), mark pidlock-native as external, ` +
    `or set PIDLOCK_NATIVE_PATH to the .node file; inside an Electron asar, unpack **/*.node. Recipes: ${RECIPE_DOC}`
  );
}

/** What loaded, and from which file (scripts/cross/ci.sh prints it). */
export interface Loaded<T> {
  addon: T;
  file: string;
}

/**
 * The first place that yields an addon `accept` takes (it throws for a foreign or
 * stale binary, which then counts as a failed place): PIDLOCK_NATIVE_PATH alone
 * when set; else the fixed list; else, for an unbundled package only, whatever
 * node-gyp-build resolves (build/Debug, runtime-tagged prebuilds). Throws an error
 * naming every file looked for, why each failed, and the fix.
 */
export function loadAddon<T>(env: NodeJS.ProcessEnv, accept: (exports: unknown) => T): Loaded<T> {
  const explicit = env.PIDLOCK_NATIVE_PATH;
  if (explicit) {
    try {
      return { addon: accept(dlopen(explicit)), file: explicit };
    } catch (err) {
      throw loadFailure([`PIDLOCK_NATIVE_PATH=${explicit}: ${(err as Error).message}`], err);
    }
  }
  const tried: string[] = [];
  let lastError: unknown;
  for (const c of candidates(env)) {
    if (!exists(c.file)) {
      tried.push(`${c.file} (${c.why}): not found`);
      continue;
    }
    try {
      return { addon: accept(dlopen(c.file)), file: c.file };
    } catch (err) {
      lastError = err;
      tried.push(`${c.file} (${c.why}): ${(err as Error).message}`);
    }
  }
  const root = packageRoot();
  if (root !== undefined) {
    try {
      // Required here, not at the top: only a package whose fixed places all failed pays for it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const file = (require('node-gyp-build') as { resolve(dir: string): string }).resolve(root);
      return { addon: accept(dlopen(file)), file };
    } catch (err) {
      tried.push(`node-gyp-build(${root}): ${(err as Error).message.split('\n')[0]}`);
      lastError ??= err;
    }
  }
  throw loadFailure(tried, lastError);
}

function loadFailure(tried: string[], cause: unknown): Error & { code?: string } {
  const err: Error & { code?: string } = new Error(
    `pidlock-native: no native addon for ${process.platform}-${process.arch} loaded. Looked for:\n  ` +
      (tried.length ? tried.join('\n  ') : '(no candidate location: bundled without a known directory)') +
      `\n${remedy()}`,
    cause === undefined ? undefined : { cause },
  );
  // The dlopen error's code when a file was there but did not load; a caller can tell
  // "absent" from "broken" without parsing the text.
  err.code = (cause as { code?: string } | undefined)?.code ?? 'PIDLOCK_NO_ADDON';
  return err;
}

/** The error for "native required, not available": the load error's text, which carries the fix. */
export function requireFailure(loadError: Error | undefined): Error & { code: string } {
  const err = new Error(
    `pidlock-native: the native backend is required (PIDLOCK_REQUIRE_NATIVE or requireNative()) but is not active: ` +
      (loadError ? loadError.message : 'unknown reason'),
    loadError ? { cause: loadError } : undefined,
  ) as Error & { code: string };
  err.code = 'PIDLOCK_NATIVE_REQUIRED';
  return err;
}
