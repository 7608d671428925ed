#!/usr/bin/env bash
# The demo: sets up the toolchain where it is missing, builds the CLI, then builds, tests and publishes the
# bundled example (examples/hello) for all ten platforms to the local registry, and prints the result.
# Usage: scripts/demo.sh [extra multiarch build options]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh all
./mvnw -B -ntp -q -DskipTests -DskipITs package -pl cli -am
report=$root/target/demo-report
set +e
# one build: no resident server is left behind for builds that will not come (MULTIARCH_SERVER=on to keep one)
MULTIARCH_SERVER="${MULTIARCH_SERVER:-off}" bin/multiarch build examples/hello \
  --image 127.0.0.1:5000/demo/hello --tag latest --tag "demo-$(date -u +%Y%m%d-%H%M%S)" \
  --platforms linux/amd64,linux/386,linux/arm64,linux/arm/v7,linux/arm/v6,linux/ppc64le,linux/s390x,linux/mips64,linux/mips64le,linux/riscv64 \
  --test arch-test --report "$report" "$@"
rc=$?
set -e
echo
echo "HTML report: $report/report.html"
echo "Index as the registry serves it: docker buildx imagetools inspect 127.0.0.1:5000/demo/hello:latest"
exit $rc
