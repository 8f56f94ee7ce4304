#!/usr/bin/env bash
# Builds the cluster tier's Go tools from the Go module proxy, each from its
# small build module in tools/cluster/<name>/ (go.mod pins the version), into
# $GACHA_CLUSTER_CACHE/tools/<name>-<version>-<digest>/, once per version.
# Then points $GACHA_CLUSTER_CACHE/bin/<command> at them.
#
# Usage: bash scripts/cluster/build-tools.sh [name ...]   (default: all)
# Env:   GACHA_CLUSTER_CACHE (default /var/cache/gacha-cluster)
#        CLUSTER_GO_PARALLEL  go build -p (default: number of cores)
# This machine only: a user's cluster (minikube, kind, Docker Desktop) brings these.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v go >/dev/null || die "build-tools: needs the Go toolchain (go >= 1.26) on PATH"
export GOFLAGS="-mod=mod -trimpath" CGO_ENABLED=0 GOTOOLCHAIN=local
par="${CLUSTER_GO_PARALLEL:-$(nproc)}"
mkdir -p "$CLUSTER_CACHE/tools" "$CLUSTER_BIN"

# One build at a time: .ci/run starts this in the background and up.sh runs it again,
# which then waits here and finds every tool built.
exec 9>"$CLUSTER_CACHE/tools/.build.lock"
if ! flock -n 9; then
  log "build-tools: another build is running (e.g. .ci/run's background build); waiting for it"
  flock 9
fi

# name | module dir | package | binary | requirement that carries the version | extra ldflags
k8s_ldflags() {
  local v="$1" minor; minor="$(echo "$v" | cut -d. -f2)"
  local f="" k
  for k in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    f+=" -X $k.gitVersion=$v -X $k.gitMajor=1 -X $k.gitMinor=$minor -X $k.gitTreeState=clean"
  done
  echo "$f"
}
skaffold_ldflags() {
  echo "-X github.com/GoogleContainerTools/skaffold/v2/pkg/skaffold/version.version=$1"
}

build_one() {
  local name="$1" pkg binary req tags="" ldflags="" links=()
  case "$name" in
    kubernetes) pkg=. binary=kube req=k8s.io/kubernetes
      links=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl) ;;
    etcd) pkg=. binary=etcd req=go.etcd.io/etcd/server/v3 links=(etcd) ;;
    coredns) pkg=. binary=coredns req=github.com/coredns/coredns links=(coredns) ;;
    skaffold) pkg=github.com/GoogleContainerTools/skaffold/v2/cmd/skaffold binary=skaffold
      req=github.com/GoogleContainerTools/skaffold/v2 tags="osusergo netgo release timetzdata" links=(skaffold) ;;
    buildx) pkg=github.com/docker/buildx/cmd/buildx binary=docker-buildx req=github.com/docker/buildx links=(docker-buildx) ;;
    local-path-provisioner) pkg=github.com/rancher/local-path-provisioner binary=local-path-provisioner
      req=github.com/rancher/local-path-provisioner links=(local-path-provisioner) ;;
    prometheus) pkg=github.com/prometheus/prometheus/cmd/prometheus binary=prometheus
      req=github.com/prometheus/prometheus links=(prometheus) ;;
    jaeger) pkg=github.com/jaegertracing/jaeger/cmd/jaeger binary=jaeger req=github.com/jaegertracing/jaeger links=(jaeger) ;;
    metrics-server) pkg=sigs.k8s.io/metrics-server/cmd/metrics-server binary=metrics-server
      req=sigs.k8s.io/metrics-server links=(metrics-server) ;;
    kube-router) pkg=github.com/cloudnativelabs/kube-router/v2/cmd/kube-router binary=kube-router
      req=github.com/cloudnativelabs/kube-router/v2 links=(kube-router) ;;
    *) die "build-tools: unknown tool '$name'" ;;
  esac
  local version; version="$(module_version "$name" "$req")"
  [ -n "$version" ] || die "build-tools: no version of $req in tools/cluster/$name/go.mod"
  case "$name" in
    kubernetes) ldflags="$(k8s_ldflags "$version")" ;;
    skaffold) ldflags="$(skaffold_ldflags "$version")" ;;
  esac
  local dir="$CLUSTER_CACHE/tools/$name-$version-$(module_digest "$name")"
  if [ ! -x "$dir/$binary" ]; then
    log "building $name $version (go build -p $par; a cold Kubernetes build takes tens of minutes on 2 cores)"
    local t0=$SECONDS
    (cd "$CLUSTER_ROOT/tools/cluster/$name" &&
      go build -p "$par" ${tags:+-tags "$tags"} -ldflags "-s -w $ldflags" -o "$dir/$binary.tmp" "$pkg") \
      >"$CLUSTER_CACHE/tools/$name.build.log" 2>&1 ||
      { tail -30 "$CLUSTER_CACHE/tools/$name.build.log" >&2; die "build-tools: go build of $name $version failed (log: $CLUSTER_CACHE/tools/$name.build.log)"; }
    mv "$dir/$binary.tmp" "$dir/$binary"
    log "built $name $version in $((SECONDS - t0))s"
  fi
  local l
  for l in "${links[@]}"; do ln -sfn "$dir/$binary" "$CLUSTER_BIN/$l"; done
}

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(kubernetes etcd coredns skaffold buildx local-path-provisioner metrics-server kube-router prometheus jaeger)
for t in "${tools[@]}"; do timed "build $t" build_one "$t"; done
[ $# -gt 0 ] || print_timings
