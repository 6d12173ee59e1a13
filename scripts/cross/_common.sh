# shellcheck shell=bash disable=SC2034  # vars below are used by the sourcing scripts
# Sourced by the other scripts in scripts/cross/ (not run directly).
# Loads the paths that setup.sh recorded, so no script hard-codes versions.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CROSS_SCRIPTS="$REPO_ROOT/scripts/cross"
PIDLOCK_CROSS_DIR="${PIDLOCK_CROSS_DIR:-/opt/pidlock-cross}"

die() { echo "[$(basename "$0")] ERROR: $*" >&2; exit 1; }

# binding.gyp is the one source of the addon's sources, defines and flags (the
# native build reads it through node-gyp). gyp_settings <os> fills the arrays
# `sources` (absolute paths), `defines` and `cflags` with what it gives that OS.
BINDING_GYP="${BINDING_GYP:-$REPO_ROOT/binding.gyp}"
gyp_settings() {
  local part out dir
  dir=$(dirname "$BINDING_GYP")
  for part in sources defines cflags; do
    out=$(node "$CROSS_SCRIPTS/gyp-flags.js" "$BINDING_GYP" "$1" "$part") || die "cannot read $part from $BINDING_GYP"
    if [ -n "$out" ]; then mapfile -t "$part" <<<"$out"; else eval "$part=()"; fi
  done
  [ "${#sources[@]}" -gt 0 ] || die "no sources for $1 in $BINDING_GYP"
  sources=("${sources[@]/#/$dir/}")
}

if [ ! -f "$PIDLOCK_CROSS_DIR/env.sh" ]; then
  die "$PIDLOCK_CROSS_DIR/env.sh not found: run scripts/cross/setup.sh first (as root)"
fi
# shellcheck source=/dev/null
. "$PIDLOCK_CROSS_DIR/env.sh"

# node-addon-api is a runtime dependency of the package, so the repo's own copy is
# the one a from-source install would also compile against.
NODE_ADDON_API_DIR="${NODE_ADDON_API_DIR:-$REPO_ROOT/node_modules/node-addon-api}"

check_addon_api() {
  [ -f "$NODE_ADDON_API_DIR/napi.h" ] \
    || die "node-addon-api not found at $NODE_ADDON_API_DIR (run npm install, or set NODE_ADDON_API_DIR)"
  [ -f "$NODE_API_HEADERS/include/node_api.h" ] || die "node-api-headers missing: rerun setup.sh"
}
