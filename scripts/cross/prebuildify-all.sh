#!/usr/bin/env bash
# `npm run prebuildify:all`: the three prebuilds a release ships, made on this
# Debian x86-64 machine. linux-x64 natively through prebuildify, linux-arm64 and
# win32-x64 cross-compiled. Needs scripts/cross/setup.sh to have run (as root).
#   prebuilds/linux-x64/node.napi.node
#   prebuilds/linux-arm64/node.napi.armv8.node
#   prebuilds/win32-x64/node.napi.node
# Those are the names node-gyp-build loads and @electron/rebuild treats as prebuilt.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

npm run --silent prebuildify
x64=prebuilds/linux-x64/node.napi.node
[ -f "$x64" ] || { echo "[prebuildify-all] ERROR: prebuildify did not write $x64" >&2; exit 1; }
bash scripts/release/glibc-floor.sh "$x64"

bash scripts/cross/build-arm64.sh
bash scripts/cross/build-win32.sh
ls -l prebuilds/*/
