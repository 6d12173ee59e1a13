'use strict';
// scripts/cross/gyp-flags.js: binding.gyp read for one OS, as the cross builds
// (build-win32.sh, build-arm64.sh) and the darwin check take their sources,
// defines and flags from it instead of keeping lists of their own.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { root, tmpDir } = require('../helpers');

const script = path.join(root, 'scripts', 'cross', 'gyp-flags.js');
const gypFile = path.join(root, 'binding.gyp');

function run(...args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });
  return { status: r.status, lines: r.stdout.split('\n').filter(Boolean), stderr: r.stderr };
}

function read(file, os, part) {
  const r = run(file, os, part);
  assert.equal(r.status, 0, r.stderr);
  return r.lines;
}

test("every native .cc file is compiled on some OS, and each OS compiles no other platform's file", () => {
  const others = { linux: /_(win|darwin)\.cc$/, mac: /_(win|linux)\.cc$/, win: /_(linux|darwin|posix)\.cc$/ };
  const compiled = new Set();
  for (const [os, foreign] of Object.entries(others)) {
    const sources = read(gypFile, os, 'sources');
    assert.ok(sources.includes('native/addon.cc'), `${os}: ${sources}`);
    for (const s of sources) {
      assert.doesNotMatch(s, foreign, `${os} compiles ${s}`);
      assert.ok(fs.existsSync(path.join(root, s)), `${os}: ${s} does not exist`);
      compiled.add(s);
    }
  }
  const onDisk = fs.readdirSync(path.join(root, 'native')).filter((f) => f.endsWith('.cc'));
  assert.deepEqual(
    onDisk.map((f) => `native/${f}`).filter((f) => !compiled.has(f)),
    [],
  );
});

test('conditions: == and != on OS, the else branch, lists appended, `key!` lists taken out', (t) => {
  const dir = tmpDir();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'binding.gyp');
  fs.writeFileSync(
    file,
    [
      '# a comment line, as gyp allows',
      JSON.stringify({
        targets: [
          {
            sources: ['a.cc'],
            'cflags_cc!': ['-fno-exceptions'],
            cflags_cc: ['-O2', '-fno-exceptions'],
            conditions: [
              ["OS=='win'", { sources: ['w.cc'] }, { sources: ['p.cc'], cflags_cc: ['-fno-exceptions', '-g'] }],
              ["OS!='mac'", { defines: ['NOT_MAC'] }],
            ],
          },
        ],
      }),
    ].join('\n'),
  );
  assert.deepEqual(read(file, 'win', 'sources'), ['a.cc', 'w.cc']);
  assert.deepEqual(read(file, 'linux', 'sources'), ['a.cc', 'p.cc']);
  assert.deepEqual(read(file, 'linux', 'cflags'), ['-O2', '-g']);
  assert.deepEqual(read(file, 'linux', 'defines'), ['-DNOT_MAC']);
  assert.deepEqual(read(file, 'mac', 'defines'), []);

  fs.writeFileSync(file, JSON.stringify({ targets: [{ conditions: [["OS=='win' and target_arch=='x64'", {}]] }] }));
  const r = run(file, 'win', 'sources');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /understands only OS=='x' and OS!='x'/);
});

// gyp's own reading of binding.gyp for this Linux build, in the make file
// node-gyp generated: the cross builds must get the same sources, defines and
// C++ flags from gyp-flags.js.
test('gyp-flags.js reads binding.gyp for Linux as gyp itself does', (t) => {
  const mk = path.join(root, 'build', 'pidlock.target.mk');
  if (!fs.existsSync(mk)) {
    assert.ok(!process.env.CI, `${mk} missing: CI builds the addon from source first`);
    return t.skip(`no ${mk}: build the addon from source (npm run build:native) to run this`);
  }
  const text = fs.readFileSync(mk, 'utf8');
  assert.deepEqual(run('--mk', mk, 'sources').lines.sort(), read(gypFile, 'linux', 'sources').sort());
  const block = (name) => text.match(new RegExp(`^${name} :=((?:[^\\n]*\\\\\\n)*[^\\n]*)$`, 'm'))[1];
  const defs = block('DEFS_Release');
  for (const d of read(gypFile, 'linux', 'defines')) assert.ok(defs.includes(`'${d}'`), `${d} not in ${defs}`);
  const ccWords = block('CFLAGS_CC_Release')
    .split(/\s+|\\/)
    .filter(Boolean);
  const cflags = read(gypFile, 'linux', 'cflags');
  assert.deepEqual(ccWords.slice(-cflags.length), cflags);
});
