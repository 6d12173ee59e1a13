#!/usr/bin/env bash
# glibc-floor.sh <file.node> [max]: fails when a Linux prebuild needs a newer
# glibc than Node 20's own Linux binaries (2.28, on x64 and arm64), since it must
# load wherever Node runs. The one floor check: the release workflow runs it on
# the runner-built prebuilds, scripts/cross/build-arm64.sh and prebuildify-all.sh
# on theirs. OBJDUMP names another CPU's objdump (aarch64-linux-gnu-objdump).
#
# The newest GLIBC_ symbol version the file binds to is its floor. Typical causes
# of a higher one, on a toolchain with new glibc headers: fstat/stat/lstat bind
# to GLIBC_2.33 symbols (statx() is GLIBC_2.28); new wrappers such as pidfd_open
# are 2.36 (syscall(SYS_pidfd_open, ...) has no floor).
set -euo pipefail
file=$1 max=${2:-2.28}
objdump=${OBJDUMP:-objdump}
floor=$("$objdump" -T "$file" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1)
echo "glibc-floor: $file needs glibc >= ${floor:-?} (limit $max)"
if [ -n "$floor" ] && [ "$(printf '%s\n%s\n' "$floor" "$max" | sort -V | tail -n 1)" != "$max" ]; then
  "$objdump" -T "$file" | grep -F "GLIBC_$floor" >&2 || true
  echo "glibc-floor: ERROR: $file needs glibc $floor, above $max (symbols above)" >&2
  exit 1
fi
