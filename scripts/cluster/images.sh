#!/usr/bin/env bash
# Puts every image the cluster and the overlays name into the local registry
# (127.0.0.1:5000), under the path its real registry uses, because no registry
# can be reached from this project's machines. containerd and dockerd mirror
# docker.io, registry.k8s.io and gcr.io to it (up.sh), so `mysql:8.4` or
# `registry.k8s.io/pause:3.10.1` resolve under their own names. An image already
# in the registry is skipped (the registry's storage is in the cache).
#
#   real component, built here from the Go module proxy (build-tools.sh):
#     registry.k8s.io/coredns/coredns:v1.12.1, rancher/local-path-provisioner:v0.0.30,
#     prom/prometheus:v3.1.0, jaegertracing/jaeger:2.1.0
#   built from Kubernetes' source: registry.k8s.io/pause:3.10.1 (build/pause/linux/pause.c, gcc -static)
#   STAND-INS (no real one can be had here; docs/cluster.md):
#     node:24-bookworm-slim, gcr.io/distroless/nodejs24-debian12:nonroot  (scripts/containers/base-images.sh)
#     mysql:8.4  MariaDB 10.11 honouring the mysql image's contract (test/container/mariadb)
#     localhost:5000/gacha-cluster/helper:bookworm  Debian minbase, local-path-provisioner's helper pod
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CONTAINERS="$CLUSTER_ROOT/scripts/containers"
# shellcheck source=../containers/podman-env.sh
source "$CONTAINERS/podman-env.sh"
REG=127.0.0.1:5000

in_registry() { # in_registry PATH:TAG
  curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG/v2/${1%%:*}/manifests/${1##*:}"
}
push() { # push LOCAL_IMAGE PATH:TAG
  podman push -q --tls-verify=false "$1" "docker://$REG/$2" >/dev/null
  log "image $2 -> $REG"
}
# binary_image PATH:TAG BINARY [USER] [CMD-ARGS-JSON] : FROM scratch + one static binary
# (default arguments in CMD, as the real images have them, so a pod's `args` replace them)
binary_image() {
  in_registry "$1" && return 0
  local ctx; ctx="$(mktemp -d)"
  cp -L "$2" "$ctx/$(basename "$2")"
  mkdir -p "$ctx/tmp"
  cat > "$ctx/Containerfile" <<CF
FROM scratch
COPY $(basename "$2") /usr/bin/$(basename "$2")
COPY tmp /tmp
ENV PATH=/usr/bin
USER ${3:-0}
ENTRYPOINT ["/usr/bin/$(basename "$2")"]
${4:+CMD [$4]}
CF
  podman build -q --pull=never -t "localhost/cluster-tier/$1" "$ctx" >/dev/null
  push "localhost/cluster-tier/$1" "$1"
  rm -rf "$ctx"
}

pause_image() {
  in_registry pause:3.10.1 && return 0
  local src ctx
  src="$(cd "$CLUSTER_ROOT/tools/cluster/kubernetes" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c"
  ctx="$(mktemp -d)"
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-gacha -o "$ctx/pause" "$src"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' > "$ctx/Containerfile"
  podman build -q --pull=never -t localhost/cluster-tier/pause:3.10.1 "$ctx" >/dev/null
  push localhost/cluster-tier/pause:3.10.1 pause:3.10.1
  rm -rf "$ctx"
}

base_images() {
  bash "$CONTAINERS/install-podman.sh" >/dev/null
  bash "$CONTAINERS/base-images.sh" >/dev/null
  in_registry library/node:24-bookworm-slim || push docker.io/library/node:24-bookworm-slim library/node:24-bookworm-slim
  in_registry distroless/nodejs24-debian12:nonroot ||
    push gcr.io/distroless/nodejs24-debian12:nonroot distroless/nodejs24-debian12:nonroot
  in_registry gacha-cluster/helper:bookworm || push localhost/gacha/debian:bookworm-minbase gacha-cluster/helper:bookworm
  # rebuilt when the stand-in's files change (the registry keeps the last one)
  local mysql_digest; mysql_digest="$(cat "$CLUSTER_ROOT"/test/container/mariadb/* | sha256sum | cut -c1-12)"
  if ! in_registry library/mysql:8.4 || [ "$(cat "$CLUSTER_CACHE/mysql-standin.digest" 2>/dev/null)" != "$mysql_digest" ]; then
    podman build -q --pull=never --network host -t localhost/cluster-tier/mysql:8.4 \
      -f "$CLUSTER_ROOT/test/container/mariadb/Containerfile" "$CLUSTER_ROOT/test/container/mariadb" >/dev/null
    push localhost/cluster-tier/mysql:8.4 library/mysql:8.4
    echo "$mysql_digest" > "$CLUSTER_CACHE/mysql-standin.digest"
    # the kubelet pulls a tag only when the node lacks it (IfNotPresent): drop the node's old copy
    ctr --address /run/gacha-cluster/containerd.sock -n k8s.io images rm docker.io/library/mysql:8.4 >/dev/null 2>&1 || true
  fi
}

# dockerd builds the Dockerfiles offline: it needs their FROM images in its own store
# (BuildKit prefers a local image over a pull)
docker_base_images() {
  export DOCKER_HOST="unix:///run/gacha-cluster/docker.sock"
  local pair
  for pair in library/node:24-bookworm-slim=node:24-bookworm-slim \
              distroless/nodejs24-debian12:nonroot=gcr.io/distroless/nodejs24-debian12:nonroot; do
    docker image inspect "${pair#*=}" >/dev/null 2>&1 && continue
    docker pull -q "$REG/${pair%%=*}" >/dev/null
    docker tag "$REG/${pair%%=*}" "${pair#*=}"
  done
}

# Jaeger's own image layout (its cmd/jaeger/Dockerfile): the binary and the sampling strategies its
# built-in all-in-one config reads from ./cmd/jaeger/, working directory /, and its
# JAEGER_LISTEN_HOST=0.0.0.0 (the all-in-one config binds every receiver to localhost without it,
# so no pod could send a span: found by test/cluster/skaffold-run.test.ts's trace check)
jaeger_image() {
  in_registry jaegertracing/jaeger:2.1.0 && [ -f "$CLUSTER_CACHE/jaeger-image.v3" ] && return 0
  local src ctx
  src="$(cd "$CLUSTER_ROOT/tools/cluster/jaeger" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/jaegertracing/jaeger)/cmd/jaeger"
  ctx="$(mktemp -d)"
  cp -L "$CLUSTER_BIN/jaeger" "$ctx/jaeger-linux"
  cp "$src/sampling-strategies.json" "$ctx/"
  mkdir -p "$ctx/tmp"
  printf '%s\n' 'FROM scratch' 'ENV JAEGER_LISTEN_HOST=0.0.0.0' 'COPY tmp /tmp' 'COPY jaeger-linux /cmd/jaeger/jaeger-linux' \
    'COPY sampling-strategies.json /cmd/jaeger/sampling-strategies.json' \
    'ENTRYPOINT ["/cmd/jaeger/jaeger-linux"]' 'USER 10001' > "$ctx/Containerfile"
  podman build -q --pull=never -t localhost/cluster-tier/jaeger:2.1.0 "$ctx" >/dev/null
  push localhost/cluster-tier/jaeger:2.1.0 jaegertracing/jaeger:2.1.0
  ctr --address /run/gacha-cluster/containerd.sock -n k8s.io images rm docker.io/jaegertracing/jaeger:2.1.0 >/dev/null 2>&1 || true
  rm -rf "$ctx"
  touch "$CLUSTER_CACHE/jaeger-image.v3"
}

bin="$CLUSTER_BIN"
base_images
pause_image
binary_image coredns/coredns:v1.12.1 "$bin/coredns"
binary_image rancher/local-path-provisioner:v0.0.30 "$bin/local-path-provisioner"
binary_image "metrics-server/metrics-server:$(module_version metrics-server sigs.k8s.io/metrics-server)" "$bin/metrics-server" 65534
[ -x "$bin/prometheus" ] && binary_image prom/prometheus:v3.1.0 "$bin/prometheus" 65534 \
  '"--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"'
[ -x "$bin/jaeger" ] && jaeger_image
docker_base_images
