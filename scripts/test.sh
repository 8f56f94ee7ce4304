#!/usr/bin/env bash
# `npm test`: every test tier that can run on this machine.
#   1. generate code, lint the protos, type-check everything (tests included)
#   2. jest: unit, integration (real MariaDB at TEST_DATABASE_URL), Kubernetes
#      manifests and skaffold.yaml checks (real kubectl kustomize)
#   3. the container tier (real images built from the Dockerfiles, the dev
#      stack in containers, skaffold sync reproduced, prod hardening), when
#      podman is installed; otherwise it says so and is skipped
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "generate (buf + ts-proto, prisma)"
npm run --silent generate
step "buf lint"
npx buf lint
step "type-check (sources and tests)"
npx tsc -b services/gacha services/item services/gateway packages/migrate
npx tsc -p tsconfig.test.json
step "kubectl for kustomize rendering"
KUBECTL="$(bash scripts/ci/install-kubectl.sh | tail -n 1)"
export KUBECTL
step "jest: unit, integration, kubernetes"
npx jest --ci "$@"

step "container tier (podman; prints a skip message without podman)"
bash scripts/test-containers.sh
