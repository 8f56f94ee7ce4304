#!/usr/bin/env bash
# `npm test`: every test tier that can run on this machine.
#   1. generate code, lint the protos, type-check everything (tests included),
#      unless GACHA_STATIC_CHECKS_DONE=1 says the caller has just done so
#   2. jest: unit, integration (real MariaDB at TEST_DATABASE_URL), Kubernetes
#      manifests and skaffold.yaml checks (real kubectl kustomize / kustomize build:
#      the one on PATH when recent enough, see scripts/ci/find-kustomize.js)
#   3. the container tier (real images built from the Dockerfiles, the dev
#      stack in containers, skaffold sync reproduced, prod hardening), when
#      podman is installed; otherwise it says so and is skipped
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The images run the Node major in .nvmrc; tests on another major may pass here and fail there.
node -e '
  const want = require("fs").readFileSync(".nvmrc", "utf8").trim().replace(/^v/, "").split(".")[0];
  const have = process.versions.node.split(".")[0];
  if (have !== want) console.error(`\nWARNING: running on Node ${process.version}, but .nvmrc (and the images) use Node ${want}.` +
    ` Results may differ from the images; switch with \`nvm use\` (or fnm/volta/asdf).\n`);'

# A CI job that has just run `npm ci` (which generates), `npm run lint` (buf lint
# included) and `npm run typecheck` sets GACHA_STATIC_CHECKS_DONE=1, so each runs
# once (.github/workflows/ci.yml). The commands below are those scripts' own.
if [ "${GACHA_STATIC_CHECKS_DONE:-0}" = 1 ]; then
  step "generate, buf lint, type-check: already done by this CI job (GACHA_STATIC_CHECKS_DONE=1)"
else
  step "generate (buf + ts-proto, prisma)"
  npm run --silent generate
  step "buf lint"
  npx buf lint
  step "type-check (sources and tests)"
  npm run --silent typecheck
fi
step "kubectl or kustomize for rendering the overlays (yours if recent enough)"
kustomize_env="$(node scripts/ci/find-kustomize.js --print-env)"   # exits non-zero, saying what to install
eval "$kustomize_env"
step "jest: unit, integration, kubernetes"
npx jest --ci "$@"
step "web: component tests (vitest + jsdom; needs Node 24, says so and skips otherwise)"
bash scripts/test-web.sh

# Opt-in: the container tier builds offline stand-ins of the base images with
# debootstrap and root podman, which only this project's registry-less CI
# machines need (.ci/run sets GACHA_CONTAINER_TIER=1). Run it yourself with
# scripts/test-containers.sh.
if [ "${GACHA_CONTAINER_TIER:-0}" = 1 ]; then
  step "container tier (podman: real images, the dev stack in containers, skaffold sync reproduced)"
  bash scripts/test-containers.sh
else
  step "container tier skipped: GACHA_CONTAINER_TIER is not 1 (needs root podman on Debian/Ubuntu; see docs/containers.md)"
fi

# Opt-in: the cluster tier runs the real Skaffold and kubectl against a real Kubernetes:
# this project's single-node cluster built from source (scripts/cluster/up.sh, root on
# Debian; .ci/run sets GACHA_CLUSTER_TIER=1), or yours with GACHA_CLUSTER_EXISTING=1.
if [ "${GACHA_CLUSTER_TIER:-0}" = 1 ]; then
  step "cluster tier (real Kubernetes + Skaffold: skaffold run/dev/debug, port-forward e2e, prod, cold start)"
  bash scripts/test-cluster.sh
else
  step "cluster tier skipped: GACHA_CLUSTER_TIER is not 1 (a real cluster and skaffold; see docs/cluster.md)"
fi
