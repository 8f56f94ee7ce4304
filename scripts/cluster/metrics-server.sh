#!/usr/bin/env bash
# The resource metrics API (metrics.k8s.io) for the prod overlay's HorizontalPodAutoscalers:
# metrics-server, applied from its own Go module's manifests/overlays/release (in the module
# cache after build-tools.sh; not copied into this repository) with the image built here
# from the same module (images.sh). One flag added: --kubelet-insecure-tls, because this
# kubelet serves a self-signed certificate (kind's and minikube's docs add the same flag).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dir="$(cd "$CLUSTER_ROOT/tools/cluster/metrics-server" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' sigs.k8s.io/metrics-server)"
[ -d "$dir/manifests/overlays/release" ] || die "metrics-server: $dir/manifests not found (run scripts/cluster/build-tools.sh)"
kubectl kustomize "$dir/manifests/overlays/release" |
  sed -E 's/^( *)- --metric-resolution=15s$/&\n\1- --kubelet-insecure-tls/' | kubectl apply -f - >/dev/null
kubectl -n kube-system rollout status deploy/metrics-server --timeout=180s >/dev/null ||
  die "metrics-server is not Ready (kubectl -n kube-system describe pods -l k8s-app=metrics-server)"
kubectl wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=120s >/dev/null ||
  die "the metrics.k8s.io API is not Available (kubectl describe apiservice v1beta1.metrics.k8s.io)"
