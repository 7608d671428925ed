#!/bin/sh
# Test of examples/cross: the artifact made for this image's platform is there, and nothing else.
# MULTIARCH_PLATFORM is set by multiarch's test step (e.g. linux/arm64).
set -e
name=$(echo "${MULTIARCH_PLATFORM:?set by multiarch}" | tr / -)
test -s "/opt/cross/${name}.sha256"
test "$(ls /opt/cross | wc -l)" -eq 2
echo "cross-test ok on $(uname -m): $(cat "/opt/cross/${name}.seed")"
