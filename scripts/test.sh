#!/usr/bin/env bash
# The test command: sets up the real toolchain where it is missing (Docker with buildx, QEMU, the local
# registry, the busybox base image; root needed), then runs every unit and integration test: engine, CLI,
# the Pipeline wiring, and the Jenkins plugin module with its JenkinsRule tests wherever the Jenkins artifacts
# (the plugin parent POM, Jenkins core, the plugins it builds against) resolve offline from this machine's
# Maven repositories. Where they do not, the plugin module is left out and one line says so.
# Usage: scripts/test.sh [extra Maven arguments]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/toolchain.sh all

# The plugin's POM can be read only when its parent (org.jenkins-ci.plugins:plugin) and the BOM it imports resolve
# from the Maven repositories this machine has (a local repository holding a Jenkins built from source, or a
# configured Jenkins repository): the first things any Jenkins plugin build needs.
if probe=$(./mvnw -B -q -N -f plugin/pom.xml help:evaluate -Dexpression=jenkins.version -DforceStdout "$@" 2>&1); then
  echo "test.sh: plugin module: built and tested against Jenkins $probe (its artifacts resolve from this machine's Maven repositories)"
  ./mvnw -B -ntp -Pplugin verify "$@"
else
  echo "test.sh: plugin module: SKIPPED: the Jenkins artifacts (plugin parent POM, Jenkins core, plugins) do not resolve" \
       "from this machine's Maven repositories; engine, CLI and wiring tests only"
  ./mvnw -B -ntp verify "$@"
fi
