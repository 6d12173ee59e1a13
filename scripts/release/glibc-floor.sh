#!/usr/bin/env bash
# glibc-floor.sh <file.node> [max]: fails when a Linux prebuild needs a newer
# glibc than Node 20's own Linux binaries (2.28), since it must load wherever
# Node runs. The release workflow runs it on the runner-built prebuilds; the
# cross builds check the same floor (scripts/cross/build-arm64.sh, prebuildify-all.sh).
set -euo pipefail
file=$1 max=${2:-2.28}
floor=$(objdump -T "$file" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
echo "glibc-floor: $file needs glibc >= ${floor:-?} (limit $max)"
if [ -n "$floor" ] && [ "$(printf '%s\n%s\n' "$floor" "$max" | sort -V | tail -n 1)" != "$max" ]; then
  objdump -T "$file" | grep -F "GLIBC_$floor" >&2 || true
  echo "glibc-floor: ERROR: $file needs glibc $floor, above $max (symbols above)" >&2
  exit 1
fi
