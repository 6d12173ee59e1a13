#!/usr/bin/env bash
# Compiles and links the macOS addon for arm64 and x86_64 on this Linux machine,
# with Zig's copy of Apple's libc headers and libSystem stubs (setup.sh fetches
# Zig from npm). Proves, for every change: the darwin translation units compile
# with -Wall -Wextra -Werror at binding.gyp's deployment target, and every
# symbol they call exists in macOS's libSystem. It runs nothing: behaviour on a
# Mac is the release runners' job (.github/workflows/prebuild.yml).
#
# One source of truth for the flags: node-gyp itself generates the Mac build
# from binding.gyp (`configure -- -f make-mac`, gyp's Xcode emulation), and the
# check compiles with the defines, include dirs and flags of that make file
# (gyp-flags.js --mk), adding only -Wextra -Werror. The same file gives the
# deployment target the compiler is really handed, which must be the one
# binding.gyp asks for (a dependency's xcode_settings once lowered it to 10.7),
# and the sources, which must be the ones gyp-flags.js reads from binding.gyp
# for the other builds (so that reader is checked against gyp itself).
#
# The link is strict: Node-API functions resolve against a stub of the host
# that exports exactly the functions declared in Node's node_api.h and
# js_native_api.h (node-gyp's real build leaves them to -undefined
# dynamic_lookup, which would hide any other missing symbol too), everything
# else against libSystem and libc++. A control unit that calls Linux's pipe2()
# must fail to link, so the check is known to have teeth.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
[ -x "${ZIG:-}" ] || die "ZIG missing from env.sh: rerun setup.sh"
NODE_INCLUDE="${npm_config_nodedir:-/usr}/include/node"
[ -f "$NODE_INCLUDE/node_api.h" ] || die "no Node headers at $NODE_INCLUDE (set npm_config_nodedir)"
NODE_GYP="${NODE_GYP:-$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js}"
[ -f "$NODE_GYP" ] || die "npm's node-gyp not found at $NODE_GYP (set NODE_GYP)"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# Zig builds libc++ once per target into its cache; keep it with the other tools.
export ZIG_GLOBAL_CACHE_DIR="$PIDLOCK_CROSS_DIR/zig-cache" ZIG_LOCAL_CACHE_DIR="$WORK/zig-local"

# gyp's mac flavour asks xcodebuild for Xcode's version (to pick default
# architectures); this machine has none, so a stub answers as Xcode 15 would.
mkdir -p "$WORK/bin"
printf '#!/bin/sh\n[ "$1" = -version ] || exit 1\nprintf "Xcode 15.4\\nBuild version 15F31d\\n"\n' >"$WORK/bin/xcodebuild"
chmod +x "$WORK/bin/xcodebuild"

# The host stub: every Node-API function Node's headers declare.
node -e '
  const fs = require("node:fs");
  const names = new Set();
  for (const h of ["js_native_api.h", "node_api.h"]) {
    const text = fs.readFileSync(process.argv[1] + "/" + h, "utf8");
    for (const m of text.matchAll(/NAPI_EXTERN[^;]*?\b((?:napi|node_api)_\w+)\s*\(/g)) names.add("_" + m[1]);
  }
  if (names.size < 100) throw new Error("only " + names.size + " Node-API functions found in " + process.argv[1]);
  fs.writeFileSync(process.argv[2], [
    "--- !tapi-tbd", "tbd-version: 4", "targets: [ x86_64-macos, arm64-macos ]",
    "install-name: \"@rpath/node-api-host.dylib\"", "exports:",
    "  - targets: [ x86_64-macos, arm64-macos ]",
    "    symbols: [ " + [...names].sort().join(", ") + " ]", "...", ""].join("\n"));
' "$NODE_INCLUDE" "$WORK/node-api-host.tbd"

# The control: Linux has pipe2(), macOS does not.
printf 'extern "C" int pipe2(int*, int);\nint pidlock_darwin_check_control() { int p[2]; return pipe2(p, 0); }\n' >"$WORK/control.cc"

# gyp reads binding.gyp and writes build/ beside it: a scratch copy keeps the
# repo's Linux build/ untouched.
GYP_DIR="$WORK/gyp"
mkdir -p "$GYP_DIR"
cp "$REPO_ROOT/binding.gyp" "$GYP_DIR/"
ln -s "$REPO_ROOT/native" "$GYP_DIR/native"
ln -s "$REPO_ROOT/node_modules" "$GYP_DIR/node_modules"

failed=0
for arch in arm64 x64; do
  case $arch in
    arm64) zig_arch=aarch64 macho_cpu=0100000c ;;
    x64) zig_arch=x86_64 macho_cpu=01000007 ;;
  esac
  rm -rf "$GYP_DIR/build"
  (cd "$GYP_DIR" && PATH="$WORK/bin:$PATH" node "$NODE_GYP" configure --nodedir="${npm_config_nodedir:-/usr}" --arch="$arch" -- -f make-mac) \
    >"$WORK/configure-$arch.log" 2>&1 || { cat "$WORK/configure-$arch.log" >&2; die "node-gyp configure for mac/$arch failed"; }
  mk="$GYP_DIR/build/pidlock.target.mk"
  flags() { node "$CROSS_SCRIPTS/gyp-flags.js" --mk "$mk" "$1"; }
  binding() { node "$CROSS_SCRIPTS/gyp-flags.js" "$GYP_DIR/binding.gyp" mac "$1"; }
  min=$(flags min)
  wanted=$(binding macos-min)
  if [ "$min" != "$wanted" ]; then
    echo "[darwin-check] $arch: the compiler gets -mmacosx-version-min=$min, binding.gyp asks for $wanted" >&2
    failed=1
  fi
  if [ "$(flags sources | sort)" != "$(binding sources | sort)" ]; then
    echo "[darwin-check] $arch: gyp compiles $(flags sources | tr '\n' ' '), gyp-flags.js reads $(binding sources | tr '\n' ' ')" >&2
    failed=1
  fi
  # arm64 Macs start at macOS 11; Xcode raises a lower target to 11 the same way.
  target_min=$min
  if [ "$arch" = arm64 ] && [ "${min%%.*}" -lt 11 ]; then target_min=11.0; fi
  target="$zig_arch-macos.$target_min"
  mapfile -t cxxflags < <(flags cxxflags)
  mapfile -t units < <(flags sources)
  [ "${#units[@]}" -ge 2 ] || die "$arch: no sources in the generated make file"
  echo "[darwin-check] $arch ($target): ${units[*]##*/}"
  objs=()
  for unit in "${units[@]}"; do
    obj="$WORK/$arch-$(basename "$unit" .cc).o"
    "$ZIG" c++ -target "$target" "${cxxflags[@]}" -Wall -Wextra -Werror -c "$GYP_DIR/$unit" -o "$obj" \
      || { echo "[darwin-check] $arch: $unit does not compile" >&2; failed=1; continue; }
    objs+=("$obj")
  done
  [ "${#objs[@]}" = "${#units[@]}" ] || continue
  out="$WORK/pidlock-$arch.node"
  if ! "$ZIG" c++ -target "$target" -shared "${objs[@]}" "$WORK/node-api-host.tbd" -o "$out"; then
    echo "[darwin-check] $arch: the addon does not link against libSystem" >&2
    failed=1
    continue
  fi
  # A 64-bit Mach-O for the right CPU (magic feedfacf, then cputype, little-endian).
  head=$(od -An -tx4 -N8 "$out" | tr -s ' ')
  [ "$head" = " feedfacf $macho_cpu" ] || { echo "[darwin-check] $arch: not a Mach-O for $arch ($head)" >&2; failed=1; }
  echo "[darwin-check] $arch: linked, $(stat -c %s "$out") bytes"
  "$ZIG" c++ -target "$target" "${cxxflags[@]}" -c "$WORK/control.cc" -o "$WORK/control-$arch.o"
  if "$ZIG" c++ -target "$target" -shared "${objs[@]}" "$WORK/control-$arch.o" "$WORK/node-api-host.tbd" \
    -o "$WORK/control-$arch.node" >"$WORK/control-$arch.log" 2>&1; then
    echo "[darwin-check] $arch: a call to pipe2() linked: the link is not strict" >&2
    failed=1
  elif ! grep -q '_pipe2' "$WORK/control-$arch.log"; then
    cat "$WORK/control-$arch.log" >&2
    echo "[darwin-check] $arch: the control failed to link for another reason than pipe2()" >&2
    failed=1
  fi
done
[ "$failed" = 0 ] || die "FAILED"
echo "[darwin-check] OK: arm64 and x86_64 compile with -Werror and link against libSystem"
