#!/usr/bin/env bash
# Dynamic storage for the cluster tier: Rancher's local-path-provisioner (what
# kind and k3s ship), applied from its own Go module's deploy/local-path-storage.yaml
# (in the module cache after build-tools.sh; not copied into this repository), as
# the default StorageClass. Its helper pod (which makes each volume's folder, 0777)
# uses the cluster tier's Debian image instead of busybox, which cannot be pulled here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
v="$(module_version local-path-provisioner github.com/rancher/local-path-provisioner)"
manifest="$(cd "$CLUSTER_ROOT/tools/cluster/local-path-provisioner" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/rancher/local-path-provisioner)/deploy/local-path-storage.yaml"
[ -f "$manifest" ] || die "local-path: $manifest not found (run scripts/cluster/build-tools.sh)"
sed -e "s|rancher/local-path-provisioner:v[0-9.]*|rancher/local-path-provisioner:$v|" \
    -e "s|image: busybox|image: localhost:5000/gacha-cluster/helper:bookworm|" \
    -e "s|/opt/local-path-provisioner|$CLUSTER_STATE/volumes|" "$manifest" | kubectl apply -f - >/dev/null
kubectl annotate --overwrite storageclass local-path storageclass.kubernetes.io/is-default-class=true >/dev/null
kubectl -n local-path-storage rollout status deploy/local-path-provisioner --timeout=180s >/dev/null ||
  die "local-path-provisioner is not Ready (kubectl -n local-path-storage describe pods)"
