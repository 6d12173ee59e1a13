#!/usr/bin/env bash
# Runs the linux-arm64 Node under qemu-user with the given node arguments:
#   scripts/cross/run-arm64.sh --test test/
#
# The arm64 node is started directly, through the kernel's binfmt_misc entry that
# setup.sh registers, rather than as `qemu-aarch64 node`: only then can it spawn
# process.execPath (child_process, node:test's per-file subprocesses) because the
# kernel must be able to exec arm64 binaries by itself. QEMU_LD_PREFIX tells qemu
# where the arm64 glibc and dynamic loader live, for the parent and every child.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

export QEMU_LD_PREFIX
if [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  exec "$ARM64_NODE" "$@"
fi
# binfmt missing (setup.sh not run as root on this boot?): the parent still runs,
# but any test that spawns process.execPath will fail with ENOEXEC.
echo "[run-arm64] WARNING: qemu-aarch64 binfmt not registered; child processes will fail" >&2
exec qemu-aarch64 -L "$QEMU_LD_PREFIX" "$ARM64_NODE" "$@"
