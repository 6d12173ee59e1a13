#!/usr/bin/env bash
# Cross-compiles the addon for linux-arm64 (glibc) with Debian's aarch64 GCC.
#
# Output name: prebuilds/linux-arm64/node.napi.armv8.node. @electron/rebuild only
# treats an arm64 module as prebuilt under that name, and node-gyp-build (4.8.4)
# loads it too: on arm64 it sets armv = process.env.ARM_VERSION || '8', the `armv8`
# tag then matches, and `node` + `napi` makes the file runtime-agnostic (Electron
# included). It would NOT match if ARM_VERSION were set to something else.
#
# Sources, defines and compiler flags are binding.gyp's for OS=='linux'
# (scripts/cross/gyp-flags.js); this script adds only what linking needs.
#
# Env overrides (used to test the toolchain on a throwaway addon):
#   BINDING_GYP  the gyp file to build  (default: <repo>/binding.gyp)
#   OUT          output file            (default: <repo>/prebuilds/linux-arm64/node.napi.armv8.node)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
check_addon_api

OUT="${OUT:-$REPO_ROOT/prebuilds/linux-arm64/node.napi.armv8.node}"
CXX=aarch64-linux-gnu-g++

gyp_settings linux

# Build into a temp dir and move into place only after the checks below, so a
# rejected binary never lands in prebuilds/.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BIN="$WORK/node.napi.armv8.node"
echo "[build-arm64] sources: ${sources[*]##*/}"
echo "[build-arm64] binding.gyp flags: ${cflags[*]} ${defines[*]}"
# N-API symbols stay undefined in the .node and are resolved from the host
# executable at dlopen time, so no import library is needed on Linux.
# libstdc++ stays dynamic on purpose: -static-libstdc++ from Debian 12's GCC 12
# pulls in arc4random/_dl_find_object and raises the glibc floor to 2.36 (no
# Ubuntu 22.04, no Debian 11), while the dynamic one needs only GLIBC_2.17 and
# GLIBCXX_3.4.21, which Node's own binary (linked to libstdc++) already requires.
"$CXX" "${cflags[@]}" "${defines[@]}" -shared -fPIC -s \
  -I"$NODE_API_HEADERS/include" -I"$NODE_ADDON_API_DIR" \
  "${sources[@]}" -o "$BIN"

echo "[build-arm64] NEEDED: $(aarch64-linux-gnu-readelf -d "$BIN" | awk '/NEEDED/ {printf "%s ", $NF}')"
OBJDUMP=aarch64-linux-gnu-objdump bash "$REPO_ROOT/scripts/release/glibc-floor.sh" "$BIN" "${ARM64_GLIBC_MAX:-}" \
  || die "the glibc floor is too high for Node 20 (symbols above); raise ARM64_GLIBC_MAX only deliberately"
exported=$(aarch64-linux-gnu-nm -D --defined-only "$BIN")
grep -q ' napi_register_module_v1$' <<<"$exported" || die "napi_register_module_v1 is not exported"
mkdir -p "$(dirname "$OUT")"
mv -f "$BIN" "$OUT"
ls -l "$OUT"
