#!/usr/bin/env bash
# Cross-compiles the Windows test helpers (test/fixtures/win/*.c) with MinGW-w64
# into test/fixtures/win/build/ (gitignored), where test/backend/windows.test.js looks.
# Needs only the MinGW compiler, not setup.sh's env file.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SRC="$REPO_ROOT/test/fixtures/win"
OUT="$SRC/build"
CC=x86_64-w64-mingw32-gcc
command -v "$CC" >/dev/null || { echo "[build-win-fixtures] ERROR: $CC not found (apt-get install g++-mingw-w64-x86-64)" >&2; exit 1; }
mkdir -p "$OUT"
for c in "$SRC"/*.c; do
  exe="$OUT/$(basename "${c%.c}").exe"
  # -static: no MinGW runtime DLLs to find under Wine or on a runner.
  "$CC" -O2 -Wall -Wextra -static -s "$c" -o "$exe"
  echo "[build-win-fixtures] $exe"
done
