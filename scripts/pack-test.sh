#!/usr/bin/env bash
# What a user gets from npm: pack the package, install the tarball into an empty
# project without running scripts and with no compiler on PATH, and check that
# the prebuild loads (backend 'native'), that removing it falls back to 'js'
# without throwing, and that require, import and the TypeScript types all work.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[[ -f prebuilds/linux-x64/node.napi.node ]] || { echo "pack-test: run 'npm run prebuildify' first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
echo "pack-test: packed $tarball"
tar -tzf "$work/$tarball" | sed 's/^package\///' | sort > "$work/files.txt"
for f in dist/index.js dist/index.mjs dist/index.d.ts dist/cli.js binding.gyp native/addon.cc prebuilds/linux-x64/node.napi.node; do
  grep -qx "$f" "$work/files.txt" || { echo "pack-test: $f missing from the tarball" >&2; exit 1; }
done
if grep -qE '^(test|src|build|node_modules)/' "$work/files.txt"; then
  echo "pack-test: the tarball carries files users do not need" >&2; exit 1
fi
# The bundles are self-contained; tsc's per-module .js files would only be dead weight.
if grep -E '^dist/.*\.js$' "$work/files.txt" | grep -qvxE 'dist/(index|cli)\.js'; then
  echo "pack-test: unbundled dist/*.js files in the tarball" >&2; exit 1
fi

app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
# --ignore-scripts: nothing may compile; the prebuild must be enough.
npm install --ignore-scripts --no-audit --no-fund "$work/$tarball" typescript@~5.9.3 @types/node@^20 >/dev/null
# A PATH without compilers proves that loading never needs one.
nocc=$(mktemp -d)
ln -s "$(command -v node)" "$nocc/node"
check() { # expected backend, then the command
  local want=$1; shift
  local got
  got=$(PATH="$nocc" "$@")
  [[ "$got" == "$want" ]] || { echo "pack-test: expected '$want', got '$got' from: $*" >&2; exit 1; }
  echo "pack-test: ok: $* -> $got"
}
check native node -e "process.stdout.write(require('pidlock-native').backend)"
# The installed command runs from its bundle alone.
check "$$ true" ./node_modules/.bin/pidlock alive "$$"
cat > esm.mjs <<'JS'
import { backend, PidLock } from 'pidlock-native';
import def from 'pidlock-native';
const lock = new PidLock({ name: 'packtest', port: process.pid });
if (!lock.tryAcquire() || !lock.release() || def.PidLock !== PidLock) process.exit(1);
process.stdout.write(backend);
JS
check native node esm.mjs
cat > use.ts <<'TS'
import { PidLock, isProcessAlive, backend, type PidLockOptions } from 'pidlock-native';
const opts: PidLockOptions = { name: 'typed', port: 1 };
const alive: boolean | null = isProcessAlive(process.pid);
const which: 'native' | 'js' = backend;
new PidLock(opts).owner()?.pid.toFixed();
export { alive, which };
TS
npx tsc --strict --noEmit --module node16 --moduleResolution node16 --types node use.ts
echo "pack-test: ok: TypeScript types compile"

# A corrupt (or foreign-architecture) binary fails dlopen: the JS path, with the reason kept.
prebuild=node_modules/pidlock-native/prebuilds/linux-x64/node.napi.node
head -c 4096 /dev/urandom > "$prebuild"
check js node -e "const p = require('pidlock-native'); if (p.loadError?.code !== 'ERR_DLOPEN_FAILED') process.exit(1); process.stdout.write(p.backend)"
rm -rf node_modules/pidlock-native/prebuilds
check js node -e "const p = require('pidlock-native'); if (!p.loadError) process.exit(1); process.stdout.write(p.backend)"
echo "pack-test: passed"
