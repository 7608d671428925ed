#!/usr/bin/env bash
# The test command: sets up the real toolchain where it is missing (Docker with buildx, QEMU, the local
# registry, the busybox base image; root needed), then runs every unit and integration test.
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh all
./mvnw -B -ntp verify "$@"
