# shellcheck shell=bash
# Source this file (do not execute it) before running podman/buildah here:
#   source scripts/containers/podman-env.sh
# Settings found to work on the project's VMs (Debian bookworm, podman 4.3,
# running as root), without touching /etc:
#  - CONTAINERS_CONF: the project's containers.conf -> runtime runc (crun fails
#    in this VM: hybrid cgroups v1, rlimits) and capped default ulimits.
#  - BUILDAH_FORMAT=docker: build Docker-format images like `docker build`
#    does, so SHELL/HEALTHCHECK/ONBUILD in Dockerfiles are kept instead of
#    dropped with a warning (the OCI format has no such fields).
#  - Storage: the default driver works as root: native kernel overlay on ext4,
#    graphroot /var/lib/containers/storage; no vfs or fuse-overlayfs needed.
_podman_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="${_podman_env_dir}/containers.conf"
export BUILDAH_FORMAT=docker
unset _podman_env_dir
