#!/usr/bin/env bash
# Runs one command once per Node version: the system node, then the Linux x64
# Node 22, 24 and 26 that setup.sh fetched. The chosen node's bin/ is put first on
# PATH (so `node`, and `#!/usr/bin/env node` scripts, pick it up) and NODE is set
# to its path. This shows that one N-API build loads in every major without a
# rebuild.
#   scripts/cross/run-node-matrix.sh node --test test/
#   scripts/cross/run-node-matrix.sh node -e "require('./')"
# Runs every version even after a failure; exits non-zero if any failed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

[ $# -ge 1 ] || die "usage: $0 <command> [args...]   (e.g. node --test test/)"

system_node=$(command -v node) || die "no system node on PATH"
nodes=("$system_node" "$LINUX_NODE22" "$LINUX_NODE24" "$LINUX_NODE26")
summary=()
failed=0
for n in "${nodes[@]}"; do
  ver=$("$n" --version)
  echo "=== node $ver ($n)"
  rc=0
  PATH="$(dirname "$n"):$PATH" NODE="$n" "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then summary+=("ok    $ver"); else summary+=("FAIL  $ver (exit $rc)"); failed=1; fi
done
echo "=== summary"
printf '  %s\n' "${summary[@]}"
exit "$failed"
