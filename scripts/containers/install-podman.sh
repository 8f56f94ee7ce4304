#!/usr/bin/env bash
# Installs podman, buildah, runc, debootstrap and friends from Debian's apt
# repositories (idempotent: does nothing if podman already works).
#
# Settings: this repo keeps its own containers.conf (runc, capped ulimits)
# in scripts/containers/containers.conf. /etc is left alone; callers do
#   source scripts/containers/podman-env.sh
# (which exports CONTAINERS_CONF=<repo>/scripts/containers/containers.conf).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=podman-env.sh
source "${HERE}/podman-env.sh"

# podman-compose: the compose the quick start's database uses where only podman exists
# (scripts/local-db.js; test/container/local-db.test.ts)
# netavark + aardvark-dns: containers resolve each other's --network-alias (containers.conf sets
# the backend); named here because they are only recommends, which `--no-install-recommends`
# (scripts/cluster/up.sh installs podman that way) leaves out.
PKGS=(podman podman-compose buildah runc debootstrap uidmap slirp4netns fuse-overlayfs containernetworking-plugins netavark aardvark-dns)

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi

need_install=0
if ! command -v podman >/dev/null 2>&1 || ! podman info >/dev/null 2>&1; then
  need_install=1
fi
for tool in buildah runc debootstrap podman-compose; do
  command -v "$tool" >/dev/null 2>&1 || need_install=1
done
for helper in /usr/lib/podman/netavark /usr/lib/podman/aardvark-dns; do
  [ -x "$helper" ] || need_install=1
done

if [ "$need_install" -eq 1 ]; then
  echo "install-podman: installing ${PKGS[*]}"
  start=$(date +%s)
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${PKGS[@]}"
  echo "install-podman: apt-get took $(( $(date +%s) - start ))s"
else
  echo "install-podman: podman already works; nothing to install"
fi

# podman under the CNI backend (before containers.conf chose netavark) left its bridge with the
# same 10.88.0.1/16 as netavark's podman0: the kernel then routes the default network's traffic
# into the dead bridge, and no published port or container IP answers. Only when no container
# is attached to it: podman without this project's CONTAINERS_CONF may still use CNI.
if ip link show cni-podman0 >/dev/null 2>&1 && [ -z "$(ip -o link show master cni-podman0)" ]; then
  echo "install-podman: removing CNI's leftover bridge cni-podman0 (netavark's podman0 uses its subnet)"
  $SUDO ip link delete cni-podman0
fi

if [ ! -f "$CONTAINERS_CONF" ]; then
  echo "install-podman: missing $CONTAINERS_CONF" >&2
  exit 1
fi

echo "install-podman: CONTAINERS_CONF=$CONTAINERS_CONF"
podman --version
buildah --version
runc --version | head -n1
debootstrap --version
podman info --format 'runtime={{.Host.OCIRuntime.Name}} network={{.Host.NetworkBackend}} storage={{.Store.GraphDriverName}} root={{.Store.GraphRoot}}'
