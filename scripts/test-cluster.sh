#!/usr/bin/env bash
# The cluster tier (docs/cluster.md): the real Skaffold and kubectl against a
# real Kubernetes, in namespaces the tests create and delete.
#   scripts/test-cluster.sh [jest args]
# Against YOUR cluster (minikube, kind, ...): with skaffold and kubectl on PATH and
# the kube-context selected (or GACHA_CLUSTER_CONTEXT=<name>), set GACHA_CLUSTER_EXISTING=1.
# Otherwise it starts this project's single-node cluster (scripts/cluster/up.sh, root on
# Debian; builds Kubernetes and Skaffold from the Go module proxy on the first run).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

if [ "${GACHA_CLUSTER_EXISTING:-0}" != 1 ]; then
  bash scripts/cluster/up.sh
  eval "$(bash scripts/cluster/up.sh --print-env)"
  # this project's own cluster: namespaces an interrupted earlier run left behind would only load it
  kubectl delete namespace -l gacha-platform/cluster-tier=true --wait=false >/dev/null 2>&1 || true
fi
for tool in skaffold kubectl; do
  command -v "$tool" >/dev/null || { echo "cluster tier: $tool is not on PATH" >&2; exit 1; }
done
echo "cluster tier: $(skaffold version) | kubectl $(kubectl version -o json | node -pe 'const v=JSON.parse(require("fs").readFileSync(0));`client ${v.clientVersion.gitVersion}, server ${v.serverVersion.gitVersion}`') | context $(kubectl config current-context)"

# bounded: cold image builds and deploys dominate; past this something hangs
timeout --kill-after=60 "${GACHA_CLUSTER_TIMEOUT:-3600}" npx jest --config jest.cluster.config.js --ci "$@"
echo "cluster tier done in $(( $(date +%s) - start ))s"
