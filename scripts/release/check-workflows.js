#!/usr/bin/env node
'use strict';
// `npm run check:workflows`: what keeps the release workflow able to make a
// complete release, checked on every CI run instead of on the day of a tag.
//   1. every .github/workflows/*.yml parses and matches GitHub's workflow schema
//      (@action-validator/cli: the validator is WebAssembly inside the npm
//      package, so nothing is downloaded at run time);
//   2. the release matrix (RELEASE_WORKFLOW, job `prebuild`) builds exactly the
//      platforms of the README's support table, on the runners and under the
//      prebuild names the table gives, and the names are the ones node-gyp-build
//      loads and @electron/rebuild skips;
//   3. the publish job needs the matrix and runs the publish guard
//      (`npm run check:prebuilds`: every platform of the support table has its
//      prebuild, built for the right CPU) before `npm publish`;
//   4. no job runs on a runner image GitHub has retired.
// Usage: node scripts/release/check-workflows.js [--root <dir>]  (default: the repo)
// Prints one line per problem and exits 1, or prints a summary and exits 0.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const RELEASE_WORKFLOW = '.github/workflows/prebuild.yml';
const MATRIX_JOB = 'prebuild';
const PUBLISH_JOB = 'publish';
const PUBLISH_GUARD = 'npm run check:prebuilds';

// GitHub-hosted runner images that no longer start a job. A label matches when it
// is one of these or one of its sizes (macos-13-large, macos-13-xlarge).
// Sources: the actions/runner-images announcements.
const RETIRED_RUNNERS = {
  'ubuntu-16.04': '2021-09-20',
  'ubuntu-18.04': '2023-04-03 (actions/runner-images#6002)',
  'ubuntu-20.04': '2025-04-15 (actions/runner-images#11101)',
  'windows-2016': '2022-03-15',
  'windows-2019': '2025-06-30 (actions/runner-images#12045)',
  'macos-10.15': '2022-12-01 (actions/runner-images#5583)',
  'macos-11': '2024-06-28',
  'macos-12': '2024-12-03 (actions/runner-images#10721)',
  'macos-13': '2025-12-04 (actions/runner-images#13046); the Intel successor is macos-15-intel',
};

function retiredAs(label) {
  for (const [image, when] of Object.entries(RETIRED_RUNNERS)) {
    if (label === image || label.startsWith(`${image}-`)) return { image, when };
  }
  return null;
}

/**
 * The file name node-gyp-build loads and @electron/rebuild treats as prebuilt
 * (module-type/prebuildify: `node.napi.armv8.node` on arm64, whatever the OS).
 * prebuildify 6 writes it with `--napi --name node.napi --tag-armv`; the armv tag
 * is empty, so absent, on x64.
 */
function expectedPrebuild(platform) {
  const arch = platform.slice(platform.indexOf('-') + 1);
  return `prebuilds/${platform}/node.napi${arch === 'arm64' ? '.armv8' : ''}.node`;
}

const cell = (s) => s.trim().replace(/^`|`$/g, '').trim();

/**
 * The README's support table: the first Markdown table whose header starts
 * `| platform | prebuild |`. Returns [{ platform, prebuild, runner, line }].
 */
function readSupportTable(readme) {
  const lines = readme.split(/\r?\n/);
  const start = lines.findIndex((l) => /^\|\s*platform\s*\|\s*prebuild\s*\|/i.test(l));
  if (start < 0) throw new Error("README.md: no support table (a Markdown table whose header starts '| platform | prebuild |')");
  const header = lines[start]
    .split('|')
    .slice(1, -1)
    .map((h) => h.trim().toLowerCase());
  const runnerCol = header.indexOf('release runner');
  if (runnerCol < 0) throw new Error(`README.md:${start + 1}: the support table has no 'release runner' column`);
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const cells = lines[i].split('|').slice(1, -1).map(cell);
    rows.push({ platform: cells[0], prebuild: cells[1], runner: cells[runnerCol], line: i + 1 });
  }
  if (rows.length === 0) throw new Error(`README.md:${start + 1}: the support table has no rows`);
  return rows;
}

/** Schema and YAML errors of one workflow file, through the validator's own CLI. */
function validateSchema(file) {
  const cli = path.join(path.dirname(require.resolve('@action-validator/cli/package.json')), 'cli.mjs');
  const r = spawnSync(process.execPath, [cli, file], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  if (r.status === 0) return [];
  let detail = `${r.stdout}${r.stderr}`.trim();
  try {
    // The JSON report follows any warnings. It nests the failed alternatives of a
    // oneOf (a job is a normal job or a reusable-workflow call); the alternative
    // with the fewest errors is the one the author meant.
    const leaves = [];
    const walk = (errors) => {
      for (const e of errors) {
        if (e.states) walk(e.states.reduce((a, b) => (b.errors.length < a.errors.length ? b : a)).errors);
        else leaves.push(`${e.path || ''} ${e.title}${e.detail ? `: ${e.detail}` : ''}`.trim());
      }
    };
    walk(JSON.parse(detail.slice(detail.indexOf('{'))).errors);
    detail = [...new Set(leaves)].join('; ');
  } catch {
    // Not the JSON report (a crash, a usage message): show it as it is.
  }
  return [`${file}: does not match the GitHub workflow schema (action-validator): ${detail || `exit ${r.status}`}`];
}

/** Every runner label a job can run on, with its matrix expressions expanded. */
function runnerLabels(job) {
  const matrix = (job.strategy && job.strategy.matrix) || {};
  const out = [];
  const expand = (label) => {
    const m = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(label.trim());
    if (!m) return [label];
    const key = m[1];
    const values = [...(Array.isArray(matrix[key]) ? matrix[key] : []), ...(matrix.include || []).map((e) => e && e[key])];
    return values.filter((v) => v !== undefined).map(String);
  };
  const runsOn = job['runs-on'];
  const raw =
    typeof runsOn === 'string' ? [runsOn] : Array.isArray(runsOn) ? runsOn : runsOn && runsOn.labels ? [].concat(runsOn.labels) : [];
  for (const label of raw) out.push(...expand(String(label)));
  return out;
}

function checkRetired(file, workflow) {
  const problems = [];
  for (const [id, job] of Object.entries(workflow.jobs || {})) {
    if (!job || job.uses) continue; // reusable workflow calls name no runner here
    const labels = runnerLabels(job);
    if (labels.length === 0)
      problems.push(`${file}: job '${id}': cannot tell which runner it uses (runs-on: ${JSON.stringify(job['runs-on'])})`);
    for (const label of labels) {
      if (label.includes('${{')) {
        problems.push(
          `${file}: job '${id}': runs-on '${label}' is an expression this check cannot resolve; use a literal label or matrix value`,
        );
        continue;
      }
      const retired = retiredAs(label);
      if (retired) problems.push(`${file}: job '${id}' runs on '${label}', a runner image GitHub retired on ${retired.when}`);
    }
  }
  return problems;
}

function checkMatrix(file, workflow, table) {
  const problems = [];
  const jobs = workflow.jobs || {};
  const job = jobs[MATRIX_JOB];
  const include = job && job.strategy && job.strategy.matrix && job.strategy.matrix.include;
  if (!Array.isArray(include)) return [`${file}: job '${MATRIX_JOB}' has no strategy.matrix.include list`];
  const extraKeys = Object.keys(job.strategy.matrix).filter((k) => k !== 'include');
  if (extraKeys.length)
    problems.push(
      `${file}: job '${MATRIX_JOB}': matrix keys besides 'include' (${extraKeys.join(', ')}) would multiply the platforms; list each platform under include`,
    );
  if (job['runs-on'] !== '${{ matrix.os }}')
    problems.push(`${file}: job '${MATRIX_JOB}' must run on '\${{ matrix.os }}', not ${JSON.stringify(job['runs-on'])}`);

  const matrix = new Map();
  for (const e of include) {
    if (!e || !e.platform) {
      problems.push(`${file}: job '${MATRIX_JOB}': a matrix entry without 'platform': ${JSON.stringify(e)}`);
      continue;
    }
    if (matrix.has(e.platform)) problems.push(`${file}: job '${MATRIX_JOB}': platform ${e.platform} is listed twice`);
    matrix.set(e.platform, e);
  }
  const readme = new Map(table.map((r) => [r.platform, r]));
  for (const r of table) {
    const want = expectedPrebuild(r.platform);
    if (r.prebuild !== want)
      problems.push(
        `README.md:${r.line}: ${r.platform}: the prebuild is '${r.prebuild}', but node-gyp-build and @electron/rebuild need '${want}'`,
      );
    const e = matrix.get(r.platform);
    if (!e) {
      problems.push(
        `${file}: platform ${r.platform} is in the README's support table (README.md:${r.line}) but not in the '${MATRIX_JOB}' matrix`,
      );
      continue;
    }
    if (e.os !== r.runner)
      problems.push(
        `${file}: ${r.platform}: the matrix runs on '${e.os}', the README's support table says '${r.runner}' (README.md:${r.line})`,
      );
    if (`prebuilds/${r.platform}/${e.prebuild}` !== r.prebuild)
      problems.push(
        `${file}: ${r.platform}: the matrix expects prebuild '${e.prebuild}', the README's support table says '${r.prebuild}' (README.md:${r.line})`,
      );
  }
  for (const platform of matrix.keys()) {
    if (!readme.has(platform))
      problems.push(`${file}: platform ${platform} is in the '${MATRIX_JOB}' matrix but not in the README's support table`);
  }

  const publish = jobs[PUBLISH_JOB];
  if (!publish) return [...problems, `${file}: no '${PUBLISH_JOB}' job`];
  if (![].concat(publish.needs || []).includes(MATRIX_JOB))
    problems.push(`${file}: job '${PUBLISH_JOB}' does not need '${MATRIX_JOB}', so it could publish without every platform's prebuild`);
  const runs = (publish.steps || []).map((s) => (s && typeof s.run === 'string' ? s.run : ''));
  const guard = runs.findIndex((r) => r.split('\n').some((l) => l.trim() === PUBLISH_GUARD));
  const pub = runs.findIndex((r) => /(^|\n)\s*npm publish\b/.test(r));
  if (pub < 0) problems.push(`${file}: job '${PUBLISH_JOB}' has no 'npm publish' step`);
  if (guard < 0) problems.push(`${file}: job '${PUBLISH_JOB}' does not run the publish guard ('${PUBLISH_GUARD}' on a line of its own)`);
  else if (pub >= 0 && guard > pub) problems.push(`${file}: job '${PUBLISH_JOB}' runs '${PUBLISH_GUARD}' after 'npm publish'`);
  return problems;
}

/** All problems of the repository (or fixture) at root, and what was checked. */
function checkAll(root) {
  const problems = [];
  const dir = path.join(root, '.github', 'workflows');
  const files = fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const workflows = new Map();
  for (const f of files) {
    const rel = `.github/workflows/${f}`;
    const full = path.join(dir, f);
    problems.push(...validateSchema(full).map((p) => p.replace(full, rel)));
    const doc = YAML.parseDocument(fs.readFileSync(full, 'utf8'));
    if (doc.errors.length) {
      problems.push(`${rel}: ${doc.errors[0].message}`);
      continue;
    }
    workflows.set(rel, doc.toJS() || {});
    problems.push(...checkRetired(rel, workflows.get(rel)));
  }
  let table = [];
  try {
    table = readSupportTable(fs.readFileSync(path.join(root, 'README.md'), 'utf8'));
  } catch (err) {
    problems.push(err.message);
  }
  if (!workflows.has(RELEASE_WORKFLOW)) problems.push(`${RELEASE_WORKFLOW}: missing (the release workflow)`);
  else if (table.length) problems.push(...checkMatrix(RELEASE_WORKFLOW, workflows.get(RELEASE_WORKFLOW), table));
  return { problems, files, table };
}

module.exports = { RETIRED_RUNNERS, expectedPrebuild, readSupportTable, checkAll };

if (require.main === module) {
  const i = process.argv.indexOf('--root');
  const root = i > 0 ? path.resolve(process.argv[i + 1]) : path.join(__dirname, '..', '..');
  const { problems, files, table } = checkAll(root);
  if (problems.length) {
    for (const p of problems) console.error(`check-workflows: ${p}`);
    process.exit(1);
  }
  console.log(
    `check-workflows: ${files.length} workflow file(s) valid; release matrix = README support table (${table.map((r) => `${r.platform} on ${r.runner}`).join(', ')}); no retired runners`,
  );
}
