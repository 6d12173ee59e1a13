#!/usr/bin/env node
'use strict';
// `npm run check:prebuilds` (prepublishOnly): refuses unless every platform in the
// README's support table has its prebuild, built for the right CPU (read from the
// ELF e_machine, PE Machine or Mach-O cputype header). PIDLOCK_SKIP_PREBUILD_CHECK=1
// skips it for a local `npm pack`. With --warn (prepack, so every `npm pack`) it
// names what is missing and carries on. Also: node scripts/check-prebuilds.js --machine FILE.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const ELF = { 0x3e: 'x86-64', 0xb7: 'aarch64', 0x03: 'x86', 0x28: 'arm' };
const PE = { 0x8664: 'x86-64', 0xaa64: 'aarch64', 0x14c: 'x86' };
const MACHO = { 0x01000007: 'x86-64', 0x0100000c: 'aarch64' };

/** The CPU a binary is built for, from its header; null when it is no ELF, PE or Mach-O file. */
function machineOf(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(512);
    const n = fs.readSync(fd, b, 0, b.length, 0);
    if (n >= 20 && b.readUInt32BE(0) === 0x7f454c46) {
      const le = b[5] === 1;
      return ELF[le ? b.readUInt16LE(18) : b.readUInt16BE(18)] ?? 'unknown';
    }
    if (n >= 64 && b.toString('latin1', 0, 2) === 'MZ') {
      const pe = b.readUInt32LE(0x3c);
      if (pe + 6 > n || b.readUInt32BE(pe) !== 0x50450000) return null;
      return PE[b.readUInt16LE(pe + 4)] ?? 'unknown';
    }
    if (n >= 8 && (b.readUInt32LE(0) === 0xfeedfacf || b.readUInt32LE(0) === 0xfeedface)) return MACHO[b.readUInt32LE(4)] ?? 'unknown';
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * What the release must ship: each row of the README's support table (the one
 * parser, scripts/release/check-workflows.js), with the file and CPU that
 * src/backend/addon.ts PREBUILDS, which the loader reads, expects there.
 */
function planned(PREBUILDS, readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')) {
  const { readSupportTable } = require('./release/check-workflows');
  const problems = [];
  const list = [];
  for (const row of readSupportTable(readme)) {
    const want = PREBUILDS[row.platform];
    if (!want) problems.push(`${row.platform}: in the README's table but not in src/backend/addon.ts PREBUILDS`);
    else if (row.prebuild !== `prebuilds/${row.platform}/${want.file}`)
      problems.push(`${row.platform}: the README ships ${row.prebuild}, the loader looks for prebuilds/${row.platform}/${want.file}`);
    else list.push({ platform: row.platform, ...want });
  }
  return { list, problems };
}

/** Each planned prebuild that is missing or built for the wrong CPU, as "<platform>: why". */
function problemsIn(dir, log) {
  const { PREBUILDS } = require(path.join(root, 'dist', 'internal.js'));
  const { list, problems } = planned(PREBUILDS);
  for (const { platform, ...want } of list) {
    const file = path.join(dir, platform, want.file);
    if (!fs.existsSync(file)) {
      problems.push(`${platform}: ${path.relative(root, file)} is missing`);
      continue;
    }
    const got = machineOf(file);
    if (got !== want.machine)
      problems.push(`${platform}: ${path.relative(root, file)} is built for ${got ?? 'no known format'}, not ${want.machine}`);
    else log(`check:prebuilds: ok: ${platform}: ${path.relative(root, file)} (${got})`);
  }
  return problems;
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--machine') {
    for (const f of args.slice(1)) console.log(`${f}: ${machineOf(f)}`);
    return;
  }
  // --warn (prepack): a local `npm pack` of a clone may lack prebuilds, but must say so.
  const warn = args[0] === '--warn';
  if (process.env.PIDLOCK_SKIP_PREBUILD_CHECK) {
    console.error('check:prebuilds: skipped (PIDLOCK_SKIP_PREBUILD_CHECK); do not publish this tarball');
    return;
  }
  const problems = problemsIn(process.env.CHECK_PREBUILDS_DIR || path.join(root, 'prebuilds'), warn ? () => {} : console.log);
  if (problems.length === 0) return;
  const fix = 'Build them with npm run prebuildify:all';
  if (warn) {
    const platforms = problems.map((p) => p.split(':')[0]);
    console.error(
      `warning: this tarball lacks working prebuilds for ${platforms.join(', ')}: installing it there needs a C++ compiler.\n  ` +
        `${problems.join('\n  ')}\n${fix}; npm publish refuses such a tarball (check:prebuilds).`,
    );
    return;
  }
  console.error(
    `check:prebuilds: refusing:\n  ${problems.join('\n  ')}\n${fix}, or set PIDLOCK_SKIP_PREBUILD_CHECK=1 for a local npm pack.`,
  );
  process.exit(1);
}

module.exports = { machineOf, planned };
if (require.main === module) main();
