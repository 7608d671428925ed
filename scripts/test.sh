#!/usr/bin/env bash
# The test command: sets up the real toolchain where it is missing (Docker with buildx, QEMU, the local
# registry, the busybox base image; root needed), then runs every unit and integration test: engine, CLI,
# the Pipeline wiring, and the Jenkins plugin module with its JenkinsRule tests wherever the Jenkins artifacts
# (the plugin parent POM, Jenkins core, the plugins it builds against) resolve offline from this machine's
# Maven repositories. Where they do not, the plugin module is left out and one line says so. Last, the live
# Jenkins check (scripts/jenkins-e2e.sh) runs when MULTIARCH_E2E_WAR and MULTIARCH_E2E_PLUGINS name a Jenkins war
# and a plugin folder on this machine, and says in one line that it is skipped when they do not.
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

# A controller from the given war, agents, the example jobs, checked as a user sees them (issue 9). The plugin
# just built is the one it installs.
[[ -z ${MULTIARCH_E2E_HPI:-} && -f plugin/target/multiarch-image.hpi ]] && export MULTIARCH_E2E_HPI=$root/plugin/target/multiarch-image.hpi
bash scripts/jenkins-e2e.sh --if-present
