#!/usr/bin/env bash
# Cross-compiles the addon for win32-x64 with MinGW-w64 (posix threads flavour,
# because node-addon-api needs std::mutex, which the win32 flavour lacks).
#
# N-API is imported through DELAY-LOAD import libraries plus a notify hook
# (win_delay_load_hook.cc), so the .node binds to whatever executable hosts it
# (node.exe, electron.exe, MyApp.exe) instead of requiring a file named node.exe.
#
# Sources, defines and compiler flags are binding.gyp's for OS=='win'
# (scripts/cross/gyp-flags.js); this script adds only what linking with MinGW needs.
#
# Env overrides (used to test the toolchain on a throwaway addon):
#   BINDING_GYP  the gyp file to build  (default: <repo>/binding.gyp)
#   OUT          output file            (default: <repo>/prebuilds/win32-x64/node.napi.node)
# node-gyp-build loads prebuilds/win32-x64/node.napi.node, and @electron/rebuild
# treats exactly that name as "prebuilt".
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"
check_addon_api

OUT="${OUT:-$REPO_ROOT/prebuilds/win32-x64/node.napi.node}"
CXX=x86_64-w64-mingw32-g++-posix
DLLTOOL=x86_64-w64-mingw32-dlltool
OBJDUMP=x86_64-w64-mingw32-objdump

gyp_settings win

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Delay-load import libraries (-y) from node-api-headers' .def files; -l would make
# ordinary imports, which break in renamed hosts. Both .def files name node.exe.
for def in node_api js_native_api; do
  "$DLLTOOL" -d "$NODE_API_HEADERS/def/$def.def" -D node.exe -y "$WORK/lib${def}_delay.a"
done

# Link into the temp dir and move into place only after the checks below, so a
# rejected binary never lands in prebuilds/.
BIN="$WORK/node.napi.node"
echo "[build-win32] sources: ${sources[*]##*/} + win_delay_load_hook.cc"
echo "[build-win32] binding.gyp flags: ${cflags[*]} ${defines[*]}"
# -static* keeps libstdc++/libgcc/winpthread inside the .node: a user's machine has
# no MinGW runtime DLLs. -s strips symbols (prebuildify --strip does the same).
"$CXX" "${cflags[@]}" "${defines[@]}" -shared -static -static-libgcc -static-libstdc++ -s \
  -I"$NODE_API_HEADERS/include" -I"$NODE_ADDON_API_DIR" \
  "${sources[@]}" "$CROSS_SCRIPTS/win_delay_load_hook.cc" \
  "$WORK/libnode_api_delay.a" "$WORK/libjs_native_api_delay.a" \
  -lkernel32 -Wl,-Map="$WORK/link.map" -o "$BIN"

# Show what the DLL needs at load time. The ordinary import table (all that
# objdump -p lists) must not name node.exe: that is the Electron failure this
# script exists to avoid.
echo "[build-win32] load-time DLL imports (objdump -p | grep 'DLL Name'):"
"$OBJDUMP" -p "$BIN" | grep 'DLL Name' | sed 's/^[[:space:]]*/  /' | tee "$WORK/imports.txt"
if grep -qi 'node\.exe' "$WORK/imports.txt"; then
  die "node.exe is a normal (load-time) import: the addon would not load in electron.exe"
fi
# GNU ld (binutils 2.40) leaves the PE "Delay Import Directory" entry empty, so
# objdump cannot list delay imports; Windows does not need that entry (the delay
# helper walks its own descriptors). Prove the delay path from the link map instead:
# the delay-import descriptor and the helper must have been linked in.
if ! grep -q '__DELAY_IMPORT_DESCRIPTOR_' "$WORK/link.map" || ! grep -q '__delayLoadHelper2' "$WORK/link.map"; then
  die "no delay-import descriptor linked: N-API calls would not resolve"
fi
echo "[build-win32] delay-loaded: node.exe (bound to the host executable by win_delay_load_hook.cc)"
mkdir -p "$(dirname "$OUT")"
mv -f "$BIN" "$OUT"
ls -l "$OUT"
