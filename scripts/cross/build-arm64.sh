#!/usr/bin/env bash
# Cross-compiles the addon for linux-arm64 (glibc) with Debian's aarch64 GCC.
#
# Output name: prebuilds/linux-arm64/node.napi.armv8.node. @electron/rebuild only
# treats an arm64 module as prebuilt under that name, and node-gyp-build (4.8.4)
# loads it too: on arm64 it sets armv = process.env.ARM_VERSION || '8', the `armv8`
# tag then matches, and `node` + `napi` makes the file runtime-agnostic (Electron
# included). It would NOT match if ARM_VERSION were set to something else.
#
# Env overrides (used to test the toolchain on a throwaway addon):
#   SRC_DIR  dir with the .cc files   (default: <repo>/native)
#   OUT      output file              (default: <repo>/prebuilds/linux-arm64/node.napi.armv8.node)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
check_addon_api

SRC_DIR="${SRC_DIR:-$REPO_ROOT/native}"
OUT="${OUT:-$REPO_ROOT/prebuilds/linux-arm64/node.napi.armv8.node}"
CXX=aarch64-linux-gnu-g++

# The shared sources plus the Linux and POSIX ones: every native/*.cc except the
# other platforms' files (same rule as build-win32.sh, mirrored).
collect_sources '*_win.cc' '*_darwin.cc'

# Build into a temp dir and move into place only after the checks below, so a
# rejected binary never lands in prebuilds/.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
BIN="$WORK/node.napi.armv8.node"
echo "[build-arm64] sources: ${sources[*]##*/}"
# N-API symbols stay undefined in the .node and are resolved from the host
# executable at dlopen time, so no import library is needed on Linux.
# -fvisibility=hidden: only the entry points the Node-API headers mark visible
# (napi_register_module_v1, ...) are exported; otherwise every inlined
# node-addon-api template would be exported too and could be interposed by another
# addon built against a different node-addon-api.
# libstdc++ stays dynamic on purpose: -static-libstdc++ from Debian 12's GCC 12
# pulls in arc4random/_dl_find_object and raises the glibc floor to 2.36 (no
# Ubuntu 22.04, no Debian 11), while the dynamic one needs only GLIBC_2.17 and
# GLIBCXX_3.4.21, which Node's own binary (linked to libstdc++) already requires.
"$CXX" -std=c++17 -O2 -shared -fPIC -s -fvisibility=hidden \
  "${NAPI_DEFINES[@]}" \
  -I"$NODE_API_HEADERS/include" -I"$NODE_ADDON_API_DIR" -I"$SRC_DIR" \
  "${sources[@]}" -o "$BIN"

# The newest glibc symbol version decides which distributions can load the file.
# Official Node 20 arm64 binaries need glibc 2.28, so an addon needing more would
# fail on systems where Node itself runs. Raise ARM64_GLIBC_MAX only deliberately.
# Typical causes, since this toolchain has glibc 2.36 headers: fstat/stat/lstat
# bind to new GLIBC_2.33 symbols (statx() is GLIBC_2.28 on Linux); new wrappers
# such as pidfd_open are 2.36 (syscall(SYS_pidfd_open, ...) has no floor).
GLIBC_MAX="${ARM64_GLIBC_MAX:-2.28}"
echo "[build-arm64] NEEDED: $(aarch64-linux-gnu-readelf -d "$BIN" | awk '/NEEDED/ {printf "%s ", $NF}')"
floor=$(aarch64-linux-gnu-objdump -T "$BIN" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
echo "[build-arm64] needs glibc >= ${floor:-?} (limit $GLIBC_MAX)"
if [ -n "$floor" ] && [ "$(printf '%s\n%s\n' "$floor" "$GLIBC_MAX" | sort -V | tail -n 1)" != "$GLIBC_MAX" ]; then
  aarch64-linux-gnu-objdump -T "$BIN" | grep -F "GLIBC_$floor" >&2 || true
  die "glibc floor $floor is above $GLIBC_MAX (symbols above); see comment in $0"
fi
exported=$(aarch64-linux-gnu-nm -D --defined-only "$BIN")
grep -q ' napi_register_module_v1$' <<<"$exported" || die "napi_register_module_v1 is not exported"
mkdir -p "$(dirname "$OUT")"
mv -f "$BIN" "$OUT"
ls -l "$OUT"
