#!/usr/bin/env bash
# The container tier (docs/containers.md#the-container-tier): builds the dev and
# prod images from the real Dockerfiles with podman, runs them as the dev/prod
# overlays say against a MariaDB container, runs the e2e suite against the dev
# gateway container and reproduces skaffold's file sync (hot reload).
#   scripts/test-containers.sh [jest args]      e.g. test/container/dev.test.ts
# Without podman it fails when the tier was asked for (GACHA_CONTAINER_TIER=1, or
# CI=true); otherwise it prints what did not run and exits 0 (scripts/lib/tier.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/tier.sh
source scripts/lib/tier.sh

if ! command -v podman >/dev/null 2>&1; then
  tier_unavailable "the container tier" "${GACHA_CONTAINER_TIER:-0}" \
    "podman is not installed (run scripts/containers/install-podman.sh)"
fi
# shellcheck source=containers/podman-env.sh
source scripts/containers/podman-env.sh
start=$(date +%s)
bash scripts/containers/base-images.sh          # fast no-op when the stand-ins exist
KUBECTL="${KUBECTL:-$(bash scripts/ci/install-kubectl.sh | tail -n 1)}"
export KUBECTL

# Every container/network of this run is named $GACHA_CT_RUN-...; the suites
# remove them in afterAll, this trap catches a run that was killed.
export GACHA_CT_RUN="gacha-ct-r$$"
cleanup() {
  local ids
  ids=$(podman ps -a --format '{{.Names}}' | grep "^${GACHA_CT_RUN}-" || true)
  if [ -n "$ids" ]; then echo "$ids" | xargs podman rm -f -t 2 >/dev/null 2>&1 || true; fi
  ids=$(podman network ls --format '{{.Name}}' | grep "^${GACHA_CT_RUN}-" || true)
  if [ -n "$ids" ]; then echo "$ids" | xargs podman network rm -f >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# bounded: cold image builds dominate (~3 min); 20 min means something hangs
timeout --kill-after=30 1200 npx jest --config jest.container.config.js --ci "$@"
echo "container tier done in $(( $(date +%s) - start ))s"
