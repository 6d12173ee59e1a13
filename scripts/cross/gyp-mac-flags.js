'use strict';
// Reads the make file that node-gyp generated for the macOS flavour
// (`node-gyp configure --arch=<a> -- -f make-mac`, see darwin-check.sh) and
// prints one part of it, one item per line, so the darwin check compiles with
// exactly what binding.gyp, node-gyp's common.gypi and gyp's Xcode emulation
// give a Mac build, and no list is written down twice.
//
//   node gyp-mac-flags.js <pidlock.target.mk> <part>
//   part: cxxflags  defines, include dirs, C and C++ flags of the Release build
//                   (without -arch and -mmacosx-version-min: the caller's
//                   -target carries both)
//         sources   the translation units, relative to the gyp file
//         min       the deployment target the compiler is given (-mmacosx-version-min)
//         binding   the deployment target binding.gyp asks for (MACOSX_DEPLOYMENT_TARGET)
const fs = require('node:fs');
const path = require('node:path');

const [mkFile, part] = process.argv.slice(2);
const mk = fs.readFileSync(mkFile, 'utf8');
const gypDir = path.resolve(path.dirname(mkFile), '..');

/** A `NAME := \` block of the generated make file, as its words (gyp quotes each one for the shell). */
function block(name) {
  const m = mk.match(new RegExp(`^${name} :=((?:[^\\n]*\\\\\\n)*[^\\n]*)$`, 'm'));
  if (!m) throw new Error(`${mkFile}: no ${name}; did gyp's make generator change?`);
  return m[1]
    .split(/\\\n/)
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) => w.replace(/^'(.*)'$/, '$1'))
    .map((w) => w.replace('$(srcdir)', gypDir));
}

function dropArch(words) {
  const out = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-arch') i++;
    else if (!words[i].startsWith('-mmacosx-version-min=')) out.push(words[i]);
  }
  return out;
}

function minVersion() {
  const mins = block('CFLAGS_Release')
    .filter((w) => w.startsWith('-mmacosx-version-min='))
    .map((w) => w.split('=')[1]);
  if (mins.length !== 1) throw new Error(`${mkFile}: expected one -mmacosx-version-min, found ${mins.length}`);
  return mins[0];
}

let out;
switch (part) {
  case 'cxxflags':
    out = [...block('DEFS_Release'), ...block('INCS_Release'), ...dropArch(block('CFLAGS_Release')), ...block('CFLAGS_CC_Release')];
    break;
  case 'sources':
    out = block('OBJS').map((o) => o.replace(/^\$\(obj\)\.target\/\$\(TARGET\)\//, '').replace(/\.o$/, '.cc'));
    break;
  case 'min':
    out = [minVersion()];
    break;
  case 'binding': {
    const gyp = JSON.parse(fs.readFileSync(path.join(gypDir, 'binding.gyp'), 'utf8'));
    out = [gyp.targets[0].xcode_settings.MACOSX_DEPLOYMENT_TARGET];
    break;
  }
  default:
    throw new Error(`unknown part '${part}'`);
}
process.stdout.write(out.join('\n') + '\n');
