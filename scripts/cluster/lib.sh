# Shared by scripts/cluster/*.sh: where the cluster tier keeps its state.
# Everything lives outside the repository, in a machine-level cache that
# survives `down.sh` (binaries, images) and a state dir that does not.
CLUSTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUSTER_CACHE="${GACHA_CLUSTER_CACHE:-/var/cache/gacha-cluster}"   # built tools, keyed by version
CLUSTER_STATE="${GACHA_CLUSTER_STATE:-/var/lib/gacha-cluster}"     # etcd data, pki, logs, pids
CLUSTER_BIN="$CLUSTER_CACHE/bin"                                     # symlinks to the current versions
CLUSTER_LOGS="$CLUSTER_STATE/logs"
CLUSTER_REGISTRY="127.0.0.1:5000"                                    # Debian's docker-registry

# The module's version of a Go requirement, from tools/cluster/<dir>/go.mod.
module_version() { awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) { print ($1 == "require" ? $3 : $2); exit }' "$CLUSTER_ROOT/tools/cluster/$1/go.mod"; }

# A short digest of a build module's files: a changed main.go or go.sum rebuilds.
module_digest() { (cd "$CLUSTER_ROOT/tools/cluster/$1" && cat go.mod go.sum ./*.go 2>/dev/null | sha256sum | cut -c1-10); }

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[cluster] FAILED: %s\n' "$*" >&2; exit 1; }

# Times a step and prints it; the summary at the end of up.sh lists them all.
declare -a CLUSTER_TIMINGS=()
timed() {
  local name="$1"; shift
  local t0=$SECONDS
  "$@"
  CLUSTER_TIMINGS+=("$(printf '%-40s %5ss' "$name" $((SECONDS - t0)))")
}
print_timings() { log "step timings:"; printf '  %s\n' "${CLUSTER_TIMINGS[@]}" >&2; }
