'use strict';
// binding.gyp is the one list of the addon's sources, defines and compiler
// flags. node-gyp reads it for a build on the user's machine; the cross builds
// and the darwin check read it through this script, one item per line, so no
// list is written down twice.
//
//   node gyp-flags.js <binding.gyp> <os> <part>
//     os: linux | mac | win (gyp's OS names)
//     part: sources   the translation units, as paths relative to the gyp file
//           defines   -D<name> for each define
//           cflags    cflags and cflags_cc (GCC's flags, which a MinGW or a
//                     cross GCC build takes as node-gyp's make build does)
//           macos-min the deployment target xcode_settings asks for
//
//   node gyp-flags.js --mk <pidlock.target.mk> <part>
//     What node-gyp itself generated for the macOS flavour (`node-gyp configure
//     --arch=<a> -- -f make-mac`, see darwin-check.sh), where gyp's Xcode
//     emulation turns xcode_settings and node's common.gypi into flags:
//     part: cxxflags  defines, include dirs, C and C++ flags of the Release build
//                     (without -arch and -mmacosx-version-min: the caller's
//                     -target carries both)
//           sources   the translation units, relative to the gyp file
//           min       the deployment target the compiler is given
const fs = require('node:fs');
const path = require('node:path');

/**
 * The one target's settings for `os`: gyp's merge of a condition's dict into
 * the target (lists append, dicts merge, anything else is replaced), then its
 * `key!` lists taken out of `key`.
 */
function targetFor(gypFile, os) {
  // A gyp file is a Python literal; this one keeps to JSON plus whole-line # comments.
  const gyp = JSON.parse(fs.readFileSync(gypFile, 'utf8').replace(/^\s*#.*$/gm, ''));
  if (gyp.targets.length !== 1) throw new Error(`${gypFile}: expected one target, found ${gyp.targets.length}`);
  const merged = {};
  const merge = (into, from) => {
    for (const [key, value] of Object.entries(from)) {
      if (key === 'conditions') continue;
      if (Array.isArray(value)) into[key] = [...(into[key] ?? []), ...value];
      else if (value && typeof value === 'object') merge((into[key] ??= {}), value);
      else into[key] = value;
    }
    for (const [cond, then, otherwise] of from.conditions ?? []) {
      const branch = holds(cond, os) ? then : otherwise;
      if (branch) merge(into, branch);
    }
  };
  merge(merged, gyp.targets[0]);
  for (const key of Object.keys(merged).filter((k) => k.endsWith('!'))) {
    const drop = new Set(merged[key]);
    const base = key.slice(0, -1);
    if (merged[base]) merged[base] = merged[base].filter((v) => !drop.has(v));
    delete merged[key];
  }
  return merged;
}

/** gyp conditions are Python expressions; binding.gyp uses only OS=='x' and OS!='x'. */
function holds(cond, os) {
  const m = /^\s*OS\s*(==|!=)\s*(['"])(\w+)\2\s*$/.exec(cond);
  if (!m) throw new Error(`condition ${JSON.stringify(cond)}: gyp-flags.js understands only OS=='x' and OS!='x'`);
  return (m[1] === '==') === (m[3] === os);
}

/** A `NAME := \` block of the generated make file, as its words (gyp quotes each one for the shell). */
function mkBlock(mkFile, mk, name) {
  const m = mk.match(new RegExp(`^${name} :=((?:[^\\n]*\\\\\\n)*[^\\n]*)$`, 'm'));
  if (!m) throw new Error(`${mkFile}: no ${name}; did gyp's make generator change?`);
  const gypDir = path.resolve(path.dirname(mkFile), '..');
  return m[1]
    .split(/\\\n/)
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => w.replace(/^'(.*)'$/, '$1'))
    .map((w) => w.replace('$(srcdir)', gypDir));
}

function fromMakeFile(mkFile, part) {
  const mk = fs.readFileSync(mkFile, 'utf8');
  const block = (name) => mkBlock(mkFile, mk, name);
  const cflags = block('CFLAGS_Release');
  switch (part) {
    case 'cxxflags': {
      const rest = [];
      for (let i = 0; i < cflags.length; i++) {
        if (cflags[i] === '-arch') i++;
        else if (!cflags[i].startsWith('-mmacosx-version-min=')) rest.push(cflags[i]);
      }
      return [...block('DEFS_Release'), ...block('INCS_Release'), ...rest, ...block('CFLAGS_CC_Release')];
    }
    case 'sources':
      return block('OBJS').map((o) => o.replace(/^\$\(obj\)\.target\/\$\(TARGET\)\//, '').replace(/\.o$/, '.cc'));
    case 'min': {
      const mins = cflags.filter((w) => w.startsWith('-mmacosx-version-min=')).map((w) => w.split('=')[1]);
      if (mins.length !== 1) throw new Error(`${mkFile}: expected one -mmacosx-version-min, found ${mins.length}`);
      return mins;
    }
    default:
      throw new Error(`unknown make file part '${part}'`);
  }
}

function fromGyp(gypFile, os, part) {
  if (!['linux', 'mac', 'win'].includes(os)) throw new Error(`unknown OS '${os}': linux, mac or win`);
  const t = targetFor(gypFile, os);
  switch (part) {
    case 'sources':
      return t.sources ?? [];
    case 'defines':
      return (t.defines ?? []).map((d) => `-D${d}`);
    case 'cflags':
      return [...(t.cflags ?? []), ...(t.cflags_cc ?? [])];
    case 'macos-min':
      return [t.xcode_settings.MACOSX_DEPLOYMENT_TARGET];
    default:
      throw new Error(`unknown binding.gyp part '${part}'`);
  }
}

const args = process.argv.slice(2);
const out = args[0] === '--mk' ? fromMakeFile(args[1], args[2]) : fromGyp(args[0], args[1], args[2]);
process.stdout.write(out.map((w) => w + '\n').join(''));
