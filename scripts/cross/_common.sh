# shellcheck shell=bash disable=SC2034  # vars below are used by the sourcing scripts
# Sourced by the other scripts in scripts/cross/ (not run directly).
# Loads the paths that setup.sh recorded, so no script hard-codes versions.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CROSS_SCRIPTS="$REPO_ROOT/scripts/cross"
PIDLOCK_CROSS_DIR="${PIDLOCK_CROSS_DIR:-/opt/pidlock-cross}"

die() { echo "[$(basename "$0")] ERROR: $*" >&2; exit 1; }

# Fills the array `sources` with every $SRC_DIR/*.cc whose name matches none of
# the given patterns (the other platforms' files), so a new shared file is
# picked up by every build without editing it.
collect_sources() {
  local f name pat skip
  sources=()
  for f in "$SRC_DIR"/*.cc; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    skip=
    for pat in "$@"; do
      # shellcheck disable=SC2053 # the patterns are globs on purpose
      [[ $name == $pat ]] && skip=1
    done
    [ -n "$skip" ] || sources+=("$f")
  done
  [ "${#sources[@]}" -gt 0 ] || die "no sources in $SRC_DIR"
}

if [ ! -f "$PIDLOCK_CROSS_DIR/env.sh" ]; then
  die "$PIDLOCK_CROSS_DIR/env.sh not found: run scripts/cross/setup.sh first (as root)"
fi
# shellcheck source=/dev/null
. "$PIDLOCK_CROSS_DIR/env.sh"

# node-addon-api is a runtime dependency of the package, so the repo's own copy is
# the one a from-source install would also compile against.
NODE_ADDON_API_DIR="${NODE_ADDON_API_DIR:-$REPO_ROOT/node_modules/node-addon-api}"

# Defines shared by both targets. NAPI_VERSION pins the Node-API level the binary
# may use (8 = Node 12.22+/14.17+/16+), so one file loads on every supported Node.
# NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS as in binding.gyp: see native/addon.cc.
NAPI_DEFINES=(-DNAPI_VERSION=8 -DNAPI_CPP_EXCEPTIONS -DNODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS)

check_addon_api() {
  [ -f "$NODE_ADDON_API_DIR/napi.h" ] \
    || die "node-addon-api not found at $NODE_ADDON_API_DIR (run npm install, or set NODE_ADDON_API_DIR)"
  [ -f "$NODE_API_HEADERS/include/node_api.h" ] || die "node-api-headers missing: rerun setup.sh"
}
