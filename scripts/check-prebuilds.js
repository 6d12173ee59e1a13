#!/usr/bin/env node
'use strict';
// `npm run check:prebuilds` (prepublishOnly): refuses unless every platform in the
// README's support table has its prebuild, built for the right CPU (read from the
// ELF e_machine, PE Machine or Mach-O cputype header). PIDLOCK_SKIP_PREBUILD_CHECK=1
// skips it for a local `npm pack`. Also: node scripts/check-prebuilds.js --machine FILE.
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

/** The platforms of the README's table under "CI runs the whole suite": its first column. */
function supportTable() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((l) => /^\| (linux|win32|darwin)-\w+ \|/.test(l));
  return [...new Set(rows.map((l) => l.split('|')[1].trim()))];
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--machine') {
    for (const f of args.slice(1)) console.log(`${f}: ${machineOf(f)}`);
    return;
  }
  if (process.env.PIDLOCK_SKIP_PREBUILD_CHECK) {
    console.error('check:prebuilds: skipped (PIDLOCK_SKIP_PREBUILD_CHECK); do not publish this tarball');
    return;
  }
  const { PREBUILDS } = require(path.join(root, 'dist', 'internal', 'addon.js'));
  const problems = [];
  for (const platform of supportTable()) {
    const want = PREBUILDS[platform];
    if (!want) {
      problems.push(`${platform}: in the README's table but not in src/backend/addon.ts PREBUILDS`);
      continue;
    }
    const file = path.join(process.env.CHECK_PREBUILDS_DIR || path.join(root, 'prebuilds'), platform, want.file);
    if (!fs.existsSync(file)) {
      problems.push(`${platform}: ${path.relative(root, file)} is missing`);
      continue;
    }
    const got = machineOf(file);
    if (got !== want.machine)
      problems.push(`${platform}: ${path.relative(root, file)} is built for ${got ?? 'no known format'}, not ${want.machine}`);
    else console.log(`check:prebuilds: ok: ${platform}: ${path.relative(root, file)} (${got})`);
  }
  if (problems.length) {
    console.error(
      `check:prebuilds: refusing:\n  ${problems.join('\n  ')}\nBuild them with npm run prebuildify:all, or set PIDLOCK_SKIP_PREBUILD_CHECK=1 for a local npm pack.`,
    );
    process.exit(1);
  }
}

module.exports = { machineOf };
if (require.main === module) main();
