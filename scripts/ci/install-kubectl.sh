#!/usr/bin/env bash
# Kept for existing callers (scripts/test-containers.sh): installs the
# downloadable kubectl 1.34 (Linux x64 only) and prints its path on the last
# line of stdout. The tests themselves prefer the user's own kubectl or
# kustomize: see scripts/ci/find-kustomize.js.
set -euo pipefail
exec node "$(dirname "$0")/download-kubectl.js"
