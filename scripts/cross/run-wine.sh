#!/usr/bin/env bash
# Runs the Windows Node (20 or 22) under Wine with the given node arguments:
#   scripts/cross/run-wine.sh 20 --test test/
#   WINE_HOST_NAME=electron.exe scripts/cross/run-wine.sh 22 app.js
#
# Wine's stdout must be a regular file: with a pipe, node.exe dies in
# createWritableStdioStream with "Error: open EBADF". So output goes to temp files
# that are printed afterwards, and the exit code of node.exe is passed through.
# Output therefore appears only when node.exe exits.
#
# WINE_HOST_NAME (optional) runs a copy of node.exe under another name, the way
# Electron hosts addons (electron.exe, MyApp.exe); see win_delay_load_hook.cc.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

[ $# -ge 1 ] || die "usage: $0 <20|22> [node args...]"
major=$1; shift
case "$major" in
  20) exe=$WIN_NODE20 ;;
  22) exe=$WIN_NODE22 ;;
  *) die "unknown Windows Node major '$major' (have 20, 22)" ;;
esac

if [ -n "${WINE_HOST_NAME:-}" ]; then
  # A copy, not a link: Windows takes the module name from the file Wine opens,
  # and a symlink would still resolve to node.exe.
  host_dir="$PIDLOCK_CROSS_DIR/hosts/node$major"
  mkdir -p "$host_dir"
  if [ ! -f "$host_dir/$WINE_HOST_NAME" ] || [ "$exe" -nt "$host_dir/$WINE_HOST_NAME" ]; then
    cp "$exe" "$host_dir/$WINE_HOST_NAME"
  fi
  exe="$host_dir/$WINE_HOST_NAME"
fi

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
rc=0
"$WINE" "$exe" "$@" </dev/null >"$out" 2>"$err" || rc=$?
# Windows line endings would confuse anything that greps this output.
tr -d '\r' <"$out"
tr -d '\r' <"$err" >&2
exit "$rc"
