'use strict';
// `npm run check:workflows` (scripts/release/check-workflows.js) on copies of this
// repository's README and release workflow: the real files pass, and each kind of
// drift that would break a release fails with a message naming what is wrong.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { test } = require('node:test');
const { root, tmpDir } = require('../helpers');

const WORKFLOW = '.github/workflows/prebuild.yml';
const script = path.join(root, 'scripts', 'release', 'check-workflows.js');
// A Windows checkout (core.autocrlf) has CRLF line ends; the edits below use LF.
const read = (f) => fs.readFileSync(path.join(root, f), 'utf8').replace(/\r\n/g, '\n');
const realReadme = read('README.md');
const realWorkflow = read(WORKFLOW);

/** A string edit that must apply: a fixture that silently stays good proves nothing. */
function edit(text, from, to) {
  assert.ok(text.includes(from), `fixture edit: ${JSON.stringify(from)} not found; update this test`);
  return text.replace(from, to);
}

/** Runs the checker on a scratch repository holding these files. */
function check({ readme = realReadme, workflow = realWorkflow, extra = {} } = {}) {
  const dir = tmpDir('pidlock-release-');
  fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'README.md'), readme);
  fs.writeFileSync(path.join(dir, WORKFLOW), workflow);
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, '.github', 'workflows', name), text);
  const r = spawnSync(process.execPath, [script, '--root', dir], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function assertFails(r, ...messages) {
  assert.equal(r.status, 1, `expected the check to fail; output:\n${r.out}`);
  for (const m of messages) assert.match(r.out, m);
}

test('the repository: every workflow valid, the matrix equals the README support table, no retired runner', () => {
  const r = check();
  assert.equal(r.status, 0, r.out);
  assert.match(
    r.out,
    /linux-x64 on ubuntu-22\.04, linux-arm64 on ubuntu-22\.04-arm, win32-x64 on windows-2022, darwin-x64 on macos-15-intel, darwin-arm64 on macos-15/,
  );
});

test('a retired runner label in any job fails, with its retirement date', () => {
  const lint = 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-20.04\n    steps:\n      - run: "true"\n';
  assertFails(
    check({ extra: { 'lint.yml': lint } }),
    /lint\.yml: job 'lint' runs on 'ubuntu-20\.04', a runner image GitHub retired on 2025-04-15/,
  );
  // In the matrix (and its sized variants), and in the README, it fails too.
  const r = check({
    workflow: edit(realWorkflow, 'os: macos-15-intel', 'os: macos-13-large'),
    readme: edit(realReadme, '`macos-15-intel`', '`macos-13-large`'),
  });
  assertFails(r, /job 'prebuild' runs on 'macos-13-large', a runner image GitHub retired on 2025-12-04/);
});

test('a platform of the support table missing from the matrix fails', () => {
  const workflow = edit(
    realWorkflow,
    '          - platform: linux-arm64\n            os: ubuntu-22.04-arm\n            prebuild: node.napi.armv8.node\n',
    '',
  );
  assertFails(
    check({ workflow }),
    /platform linux-arm64 is in the README's support table \(README\.md:\d+\) but not in the 'prebuild' matrix/,
  );
});

test('a README that differs from the matrix fails: runner, extra platform, prebuild name', () => {
  assertFails(
    check({ readme: edit(realReadme, '| `macos-15` |', '| `macos-14` |') }),
    /darwin-arm64: the matrix runs on 'macos-15', the README's support table says 'macos-14'/,
  );
  const row = realReadme.split('\n').find((l) => l.startsWith('| darwin-arm64 |'));
  assertFails(
    check({ readme: edit(realReadme, row, `${row}\n${row.replaceAll('darwin-arm64', 'linux-riscv64')}`) }),
    /platform linux-riscv64 is in the README's support table .* but not in the 'prebuild' matrix/,
  );
  // An arm64 file without .armv8 is one @electron/rebuild would not recognise.
  const readme = edit(realReadme, '`prebuilds/darwin-arm64/node.napi.armv8.node`', '`prebuilds/darwin-arm64/node.napi.node`');
  const workflow = edit(
    realWorkflow,
    'os: macos-15\n            prebuild: node.napi.armv8.node',
    'os: macos-15\n            prebuild: node.napi.node',
  );
  assertFails(
    check({ readme, workflow }),
    /darwin-arm64: the prebuild is 'prebuilds\/darwin-arm64\/node\.napi\.node', but node-gyp-build and @electron\/rebuild need 'prebuilds\/darwin-arm64\/node\.napi\.armv8\.node'/,
  );
});

test('a workflow that breaks the schema or the YAML syntax fails, naming the file and the problem', () => {
  assertFails(
    check({ workflow: edit(realWorkflow, '    runs-on: ${{ matrix.os }}\n', '    runs-on: ${{ matrix.os }}\n    timeout: 30\n') }),
    /prebuild\.yml: does not match the GitHub workflow schema \(action-validator\): .*Additional property 'timeout' is not allowed/,
  );
  assertFails(
    check({ extra: { 'broken.yml': 'on: push\njobs:\n  a: [\n' } }),
    /broken\.yml: does not match the GitHub workflow schema \(action-validator\): .*Parse Error/,
  );
});

test('a publish job that skips the publish guard, runs it after publishing, or does not need the matrix fails', () => {
  assertFails(
    check({ workflow: edit(realWorkflow, '      - run: npm run check:prebuilds\n', '') }),
    /job 'publish' does not run the publish guard/,
  );
  const late = edit(
    edit(realWorkflow, '      - run: npm run check:prebuilds\n', ''),
    '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n',
    '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n      - run: npm run check:prebuilds\n',
  );
  assertFails(check({ workflow: late }), /job 'publish' runs 'npm run check:prebuilds' after 'npm publish'/);
  assertFails(check({ workflow: edit(realWorkflow, '    needs: prebuild\n', '') }), /job 'publish' does not need 'prebuild'/);
});
