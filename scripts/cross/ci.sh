#!/usr/bin/env bash
# The cross-platform proofs, from a clean checkout after `npm ci` (as root, CI=true):
#   1. tools: setup.sh (apt: wine64, MinGW, aarch64 GCC, qemu-user; npm: Node
#      binaries and node-api-headers); any missing tool fails here, nothing skips
#   2. the three prebuilds (prebuildify-all.sh) and the Windows test helpers
#   3. the behaviour suite (scripts/test.js: test/unit, test/backend, test/once) against:
#        linux-x64 prebuild    on Node 20, 22, 24, 26        (native)
#        linux-arm64 prebuild  under qemu-user, Node 20      (native)
#        win32-x64 prebuild    under Wine, Node 20 and 22    (native and js)
#      PREBUILDS_ONLY=1 makes node-gyp-build skip build/Release, so what is
#      tested is the file in prebuilds/, and each run asserts its backend.
# Prints one line per platform, Node and backend with its test counts, and exits
# non-zero if anything failed or a run produced no counts.
#
# Env knobs (defaults are the full set above):
#   CROSS_NODE_MAJORS   linux-x64 majors          (default "20 22 24 26")
#   CROSS_WINE          "20:native 20:js 22:native 22:js"; a third field ":core" runs
#                       test/unit and test/backend only (what the backend decides)
#   CROSS_ARM64_BACKENDS                          (default "native")
#   CROSS_SUITE_TIMEOUT seconds per suite run     (default 900)
#   CROSS_TEST_JOBS     test files at a time per suite run (default 2)
#   CROSS_WINE_FILES / CROSS_ARM64_FILES   test files for those runs (default: every
#                       test file, which .ci/run uses). On a 2-core machine, with
#                       both groups side by side: 2-3 min per Wine run, ~6 min under
#                       qemu, ~10 min for all of it
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REPO=$(pwd)
t0=$SECONDS
step() { echo; echo "=== [cross] $* (t=$((SECONDS - t0))s) ==="; }

NODE_MAJORS=${CROSS_NODE_MAJORS:-20 22 24 26}
WINE_RUNS=${CROSS_WINE:-20:native 20:js 22:native 22:js}
ARM64_BACKENDS=${CROSS_ARM64_BACKENDS:-native}
SUITE_TIMEOUT=${CROSS_SUITE_TIMEOUT:-900}
# Emulated runs share 2 cores with each other: the hostile table's "no call
# blocks for more than 1 s" becomes 5 s there (test/backend/hostile.test.js).
EMULATED_TIME_SCALE=5
LOGS="$REPO/.tmp/cross-ci"
rm -rf "$LOGS" && mkdir -p "$LOGS"

step "setup: apt and npm tools"
bash scripts/cross/setup.sh
. "${PIDLOCK_CROSS_DIR:-/opt/pidlock-cross}/env.sh"
setup_s=$((SECONDS - t0))

step "prebuilds and Windows test helpers"
[ -f dist/index.js ] || npm run --silent build
bash scripts/cross/prebuildify-all.sh
bash scripts/cross/build-win-fixtures.sh
build_s=$((SECONDS - t0 - setup_s))

# Which file each runtime loads; a wrong name or a stale build/ would show here.
step "what the loader picks"
export PREBUILDS_ONLY=1
picked='const { selected: s } = require("./dist/internal.js"); process.stdout.write(s.addonFile ?? `nothing: ${s.loadError}`)'
echo "linux-x64:   $(node -e "$picked")"
echo "linux-arm64: $(bash scripts/cross/run-arm64.sh -e "$picked")"
echo "win32-x64:   $(bash scripts/cross/run-wine.sh 20 -e "$picked")"

# suite <label> <backend> <command...>: runs scripts/test.js for one backend and
# appends "<label> <backend>: N passed, N failed, N skipped (Ns)" to $LOGS/summary.
suite() {
  local label=$1 backend=$2 files=$3; shift 3
  local log="$LOGS/${label// /-}-$backend.log" start=$SECONDS rc=0 line
  # One backend per run, so test/once and test/unit run in each of them too.
  PIDLOCK_TEST_BACKENDS=$backend PIDLOCK_TEST_JOBS=${CROSS_TEST_JOBS:-2} timeout --kill-after=10 "$SUITE_TIMEOUT" "$@" scripts/test.js $files \
    </dev/null >"$log" 2>&1 || rc=$?
  line=$(tr -d '\r' <"$log" | grep -E "^$backend: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$" | tail -n 1 || true)
  if [ -z "$line" ]; then
    line="$backend: no counts (exit $rc$([ "$rc" = 124 ] && echo ", timed out after ${SUITE_TIMEOUT}s")), see $log"
  elif [ "$rc" != 0 ]; then
    line="$line, exit $rc"
  fi
  echo "$label $line ($((SECONDS - start))s)" | tee -a "$LOGS/summary"
  [ "$rc" = 0 ] || echo "$log" >>"$LOGS/failed"
}

wine_suites() {
  local run major backend scope exe files
  for run in $WINE_RUNS; do
    IFS=: read -r major backend scope <<<"$run"
    exe=WIN_NODE$major
    files=${CROSS_WINE_FILES:-}
    [ "$scope" = core ] && files="$(ls test/unit/*.test.js test/backend/*.test.js | tr '\n' ' ')"
    # Wine's stdout must be a file (suite() redirects it), never a pipe.
    # PIDLOCK_UNDER_WINE: scripts/test.js runs a file again once after Wine's own process-start failure.
    PIDLOCK_UNDER_WINE=1 PIDLOCK_TEST_TIME_SCALE=$EMULATED_TIME_SCALE \
      suite "win32-x64 node$major" "$backend" "$files" "$WINE" "${!exe}"
  done
  # A timed-out run can leave Windows processes behind; they all belong to our prefix.
  wineserver -k 2>/dev/null || true
}

linux_suites() {
  local b major node
  for b in $ARM64_BACKENDS; do
    PIDLOCK_TEST_TIME_SCALE=$EMULATED_TIME_SCALE \
      suite "linux-arm64 node20" "$b" "${CROSS_ARM64_FILES:-}" bash scripts/cross/run-arm64.sh
  done
  for major in $NODE_MAJORS; do
    case $major in
      20) node=$(command -v node) ;;
      *) node=LINUX_NODE$major; node=${!node:-} ;;
    esac
    [ -x "$node" ] || { echo "linux-x64 node$major: no binary (setup.sh fetches 22, 24, 26)" | tee -a "$LOGS/summary"; echo x >>"$LOGS/failed"; continue; }
    [ "$("$node" -p 'process.versions.node.split(".")[0]')" = "$major" ] || { echo "linux-x64 node$major: $node is not Node $major" >&2; echo x >>"$LOGS/failed"; continue; }
    suite "linux-x64 node$major" native "" "$node"
  done
}

# Wine and the Linux runs use different processes and mostly wait on child
# start-up, so they run side by side; each group runs its suites one at a time.
step "suites (logs in $LOGS)"
suites_start=$SECONDS
wine_suites &
wine_pid=$!
linux_suites &
linux_pid=$!
wait "$wine_pid" || true
wait "$linux_pid" || true
suites_s=$((SECONDS - suites_start))

step "summary"
# The logs stay on the CI machine: show what failed, and why, in the CI output.
while read -r log; do
  [ -f "$log" ] || continue
  echo "--- $log ---"
  # scripts/test.js repeats each failed file run's failures at its end.
  if tr -d '\r' <"$log" | grep -q '^✖ failed file runs:'; then
    tr -d '\r' <"$log" | sed -n '/^✖ failed file runs:/,$p' | head -n 200
  else
    tr -d '\r' <"$log" | tail -n 40
  fi
done < <(cat "$LOGS/failed" 2>/dev/null)
# A file run again after Wine's own process-start failure passed the second time; say so.
for log in "$LOGS"/*.log; do
  tr -d '\r' <"$log" | grep -q '^Run again after Wine' || continue
  echo "--- $log ---"
  tr -d '\r' <"$log" | sed -n '/^Run again after Wine/,/^[0-9]* file runs, /p' | head -n 60
done
sort "$LOGS/summary"
echo "times: setup ${setup_s}s, prebuilds ${build_s}s, suites ${suites_s}s, total $((SECONDS - t0))s"
if [ -s "$LOGS/failed" ] || [ ! -s "$LOGS/summary" ]; then
  echo "[cross] FAILED" >&2
  exit 1
fi
echo "[cross] OK"
