#!/usr/bin/env bash
# Stops what scripts/cluster/up.sh started, by PID (pods first, through the
# kubelet's containerd), and leaves the cache (tools, images, registry data).
#   bash scripts/cluster/down.sh           stop; keep the cluster's state (etcd, pki)
#   bash scripts/cluster/down.sh --purge   also delete the state (the next up.sh starts empty)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
pids="$CLUSTER_STATE/pids"

stop() { # stop NAME: SIGTERM, then SIGKILL after 20 s
  local f="$pids/$1.pid" p
  p="$(cat "$f" 2>/dev/null)" || return 0
  if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
    kill "$p" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$p" 2>/dev/null && { log "$1 ($p) ignored SIGTERM; killing"; kill -9 "$p" 2>/dev/null || true; }
    log "stopped $1 ($p)"
  fi
  rm -f "$f"
}

# the kubelet first, so it does not restart the pods we are about to remove
for c in kube-router kube-proxy kubelet; do stop "$c"; done
if [ -S /run/gacha-cluster/containerd.sock ] && command -v ctr >/dev/null; then
  # pods' containers run under containerd-shim processes, which outlive containerd:
  # kill their tasks through containerd while it still runs
  ctr_() { ctr --address /run/gacha-cluster/containerd.sock "$@"; }
  for ns in k8s.io moby; do
    for t in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do ctr_ -n "$ns" tasks kill -s SIGKILL "$t" >/dev/null 2>&1 || true; done
  done
  sleep 1
  for ns in k8s.io moby; do
    for t in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do ctr_ -n "$ns" tasks delete -f "$t" >/dev/null 2>&1 || true; done
  done
fi
for c in kube-scheduler kube-controller-manager kube-apiserver etcd dockerd containerd registry; do stop "$c"; done
# leave the host's network as it was for other container tools (podman): kube-proxy's rules,
# the pods' bridge and the node's address (all made again by up.sh)
[ -x "$CLUSTER_BIN/kube-proxy" ] && "$CLUSTER_BIN/kube-proxy" --cleanup >/dev/null 2>&1 || true
# and kube-router's policy chains and ipsets
[ -x "$CLUSTER_BIN/kube-router" ] && "$CLUSTER_BIN/kube-router" --cleanup-config >/dev/null 2>&1 || true
for link in cni0 gacha0; do ip link del "$link" 2>/dev/null || true; done
for chain in OUTPUT FORWARD; do   # up.sh's REJECT of unprogrammed ClusterIPs
  iptables -D "$chain" -d 10.96.0.0/16 -m conntrack ! --ctstate DNAT -j REJECT 2>/dev/null || true
done
# what the kubelet mounted for pods (tokens, emptyDirs) must go before the state can
grep -o " $CLUSTER_STATE/kubelet[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
if [ "${1:-}" = "--purge" ]; then
  rm -rf "$CLUSTER_STATE"
  log "state $CLUSTER_STATE deleted; the cache $CLUSTER_CACHE is kept"
fi
