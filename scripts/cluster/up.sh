#!/usr/bin/env bash
# The cluster tier's single-node Kubernetes on THIS project's machines (Debian,
# root, no systemd, no registry but the package registries). Opt-in and
# machine-specific: a user runs minikube, kind or Docker Desktop instead.
#
#   bash scripts/cluster/up.sh               build what is not cached, start, wait until the
#                                            node is Ready and CoreDNS answers; print step times
#   bash scripts/cluster/up.sh --print-env   the exports that make a shell where plain
#                                            `skaffold run` and `kubectl` work
#   bash scripts/cluster/down.sh             stop what up.sh started (by PID); keeps the cache
#
# What runs (docs/cluster.md): etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kubelet and kube-proxy from Kubernetes' Go modules; kube-router's network-policy controller (Go);
# containerd, runc and the CNI bridge from Debian; Debian's docker-registry on 127.0.0.1:5000, which also serves every third-party image
# under its own name (containerd and dockerd mirror docker.io, registry.k8s.io and gcr.io to
# it); dockerd (Debian) + buildx (Go) as Skaffold's builder; CoreDNS and local-path-provisioner
# as pods. Idempotent: a component whose PID is alive is left alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_NAME=gacha-node
NODE_IP=10.254.0.1            # on an interface of our own (gacha0): nothing depends on the VM's eth0
POD_CIDR=10.244.0.0/16       # not 10.88.0.0/16: podman's default network (the container tier) uses it
SERVICE_CIDR=10.96.0.0/16
DNS_IP=10.96.0.10
API_URL="https://$NODE_IP:6443"
RUN_DIR=/run/gacha-cluster
CONTAINERD_SOCK="$RUN_DIR/containerd.sock"
DOCKER_SOCK="$RUN_DIR/docker.sock"
PKI="$CLUSTER_STATE/pki"

if [ "${1:-}" = "--print-env" ]; then
  cat <<ENV
export PATH="$CLUSTER_BIN:\$PATH"
export KUBECONFIG="$PKI/admin.kubeconfig"
export DOCKER_HOST="unix://$DOCKER_SOCK"
export DOCKER_CONFIG="$CLUSTER_CACHE/docker-config"
export SKAFFOLD_DEFAULT_REPO="localhost:5000"
export SKAFFOLD_PUSH=true
export SKAFFOLD_UPDATE_CHECK=false
export SKAFFOLD_COLLECT_METRICS=false
ENV
  exit 0
fi
[ "$(id -u)" -eq 0 ] || die "up.sh runs the kubelet and containerd: run it as root (this project's CI machines are root)"
[ "$(uname -s)" = Linux ] || die "up.sh builds a Linux node; on $(uname -s) use minikube or Docker Desktop"

export PATH="$CLUSTER_BIN:$PATH"
export KUBECONFIG="$PKI/admin.kubeconfig"
mkdir -p "$CLUSTER_STATE" "$CLUSTER_LOGS" "$CLUSTER_STATE/pids" "$RUN_DIR" "$CLUSTER_CACHE/docker-config"
# an empty docker client config, before anything builds: --print-env exports DOCKER_CONFIG, and
# podman in such a shell (the container tier, images.sh below) reads it for registry auth and
# fails when config.json is missing
[ -f "$CLUSTER_CACHE/docker-config/config.json" ] || echo '{}' > "$CLUSTER_CACHE/docker-config/config.json"

# ---- processes, by PID file -------------------------------------------------
# alive, and still the process we started (its command line names it: a PID file can outlive a
# session's processes, and the PID may be reused)
running() {
  local p; p="$(cat "$CLUSTER_STATE/pids/$1.pid" 2>/dev/null)" && [ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
    tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null | grep -- "$2" >/dev/null   # not -q: under pipefail its early exit fails tr
}
start() { # start NAME CMD... : in its own session, log to logs/NAME.log
  local name="$1"; shift
  if running "$name" "$1"; then log "$name already running"; return; fi
  setsid "$@" >>"$CLUSTER_LOGS/$name.log" 2>&1 < /dev/null &
  echo $! > "$CLUSTER_STATE/pids/$name.pid"
}
# write_config FILE < content: replaces FILE only when the content differs. kube-proxy exits
# when its config file changes, so rewriting it under a running one would stop it.
write_config() {
  local tmp; tmp="$(mktemp)"
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; fi
}
wait_for() { # wait_for WHAT SECONDS CMD...
  local what="$1" secs="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || die "$what did not come up within ${secs}s (logs: $CLUSTER_LOGS)"
    sleep 1
  done
}

# ---- steps --------------------------------------------------------------------
install_packages() {
  local need=()
  command -v containerd >/dev/null || need+=(containerd)
  command -v runc >/dev/null || need+=(runc)
  [ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
  command -v docker-registry >/dev/null || need+=(docker-registry)
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v iptables >/dev/null || need+=(iptables)
  command -v conntrack >/dev/null || need+=(conntrack)
  command -v socat >/dev/null || need+=(socat)
  command -v openssl >/dev/null || need+=(openssl)
  command -v gcc >/dev/null || need+=(gcc libc6-dev)
  command -v podman >/dev/null || need+=(podman)
  # podman's network backend (scripts/containers/containers.conf); only recommends of podman
  [ -x /usr/lib/podman/aardvark-dns ] || need+=(netavark aardvark-dns)
  command -v ipset >/dev/null || need+=(ipset)   # kube-router's network-policy controller
  [ ${#need[@]} -eq 0 ] && return
  log "apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

host_setup() {
  # the kubelet needs shared mount propagation (mounts into pods), br_netfilter for Services
  mount --make-rshared / || die "mount --make-rshared / failed: the kubelet needs shared propagation"
  [ "$(cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" = 1 ] ||
    echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables ||
    die "bridge-nf-call-iptables cannot be set: Services need br_netfilter"
  echo 1 > /proc/sys/net/ipv4/ip_forward
  ip link show gacha0 >/dev/null 2>&1 || ip link add gacha0 type bridge   # an empty bridge: no dummy driver in this kernel
  # not grep -q: under pipefail its early exit can fail `ip` (SIGPIPE) and add the address twice
  ip addr show dev gacha0 | grep "$NODE_IP/" >/dev/null || ip addr add "$NODE_IP/32" dev gacha0
  ip link set gacha0 up
  # A ClusterIP kube-proxy has not programmed yet (a Service created a moment ago) must fail fast,
  # as on a cluster whose Service range routes nowhere. On this VM the default route leads to the
  # sandbox's egress proxy, which accepts any TCP connection: the API server's first call to a new
  # metrics-server Service got a 404 from it, and kept that connection for every later check.
  local chain
  for chain in OUTPUT FORWARD; do
    iptables -C "$chain" -d "$SERVICE_CIDR" -m conntrack ! --ctstate DNAT -j REJECT 2>/dev/null ||
      iptables -I "$chain" -d "$SERVICE_CIDR" -m conntrack ! --ctstate DNAT -j REJECT
  done
}

start_registry() {
  mkdir -p "$CLUSTER_CACHE/registry"
  write_config "$CLUSTER_STATE/registry.yml" <<CFG
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $CLUSTER_CACHE/registry}
  delete: {enabled: true}
http: {addr: 127.0.0.1:5000}
CFG
  start registry docker-registry serve "$CLUSTER_STATE/registry.yml"
  wait_for "the registry on 127.0.0.1:5000" 30 curl -sf http://127.0.0.1:5000/v2/
}

start_containerd() {
  local cfg="$CLUSTER_STATE/containerd.toml" mirrors="" reg
  mkdir -p "$CLUSTER_STATE/cni/net.d"
  # every registry a manifest or Dockerfile names resolves to the local registry
  for reg in docker.io registry.k8s.io gcr.io quay.io localhost:5000; do
    mirrors+="
      [plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"$reg\"]
        endpoint = [\"http://127.0.0.1:5000\"]"
  done
  write_config "$cfg" <<CFG
version = 2
root = "$CLUSTER_CACHE/containerd"
state = "$RUN_DIR/containerd"
[grpc]
  address = "$CONTAINERD_SOCK"
[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.10.1"
    # this VM's root lacks CAP_SYS_RESOURCE, so no process may lower its oom_score_adj below
    # its parent's; the kubelet asks -998 for sandboxes (runc: "failed to update oom_score_adj")
    restrict_oom_score_adj = true
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "$CLUSTER_STATE/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".registry]$mirrors
CFG
  write_config "$CLUSTER_STATE/cni/net.d/10-gacha.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "gacha",
  "plugins": [
    {"type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
CNI
  start containerd containerd --config "$cfg"
  wait_for containerd 30 test -S "$CONTAINERD_SOCK"
}

start_dockerd() {
  # Skaffold's builder: `useBuildkit: true` runs `docker build` (buildx) against this daemon
  mkdir -p "$CLUSTER_CACHE/docker-config/cli-plugins"
  ln -sfn "$CLUSTER_BIN/docker-buildx" "$CLUSTER_CACHE/docker-config/cli-plugins/docker-buildx"
  start dockerd dockerd --containerd="$CONTAINERD_SOCK" --data-root="$CLUSTER_CACHE/docker" \
    --exec-root="$RUN_DIR/docker" --pidfile="$RUN_DIR/dockerd.pid" -H "unix://$DOCKER_SOCK" \
    --registry-mirror=http://127.0.0.1:5000 --insecure-registry=127.0.0.1:5000 --insecure-registry=localhost:5000
  wait_for dockerd 60 env DOCKER_HOST="unix://$DOCKER_SOCK" docker version
}

start_control_plane() {
  bash "$(dirname "${BASH_SOURCE[0]}")/pki.sh" "$NODE_IP" "$NODE_NAME" "$API_URL"
  start etcd etcd --name "$NODE_NAME" --data-dir "$CLUSTER_STATE/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster "$NODE_NAME=http://127.0.0.1:2380" --log-level warn
  wait_for etcd 30 curl -sf http://127.0.0.1:2379/health
  start kube-apiserver kube-apiserver --etcd-servers=http://127.0.0.1:2379 \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=6443 \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types=InternalIP \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range="$SERVICE_CIDR" --authorization-mode=Node,RBAC --allow-privileged=true \
    --enable-admission-plugins=NodeRestriction \
    --requestheader-client-ca-file="$PKI/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key"
  wait_for kube-apiserver 120 kubectl get --raw /readyz
  start kube-controller-manager kube-controller-manager --kubeconfig="$PKI/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$PKI/controller-manager.kubeconfig" --authorization-kubeconfig="$PKI/controller-manager.kubeconfig" \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --use-service-account-credentials --controllers='*,bootstrapsigner,tokencleaner' \
    --service-cluster-ip-range="$SERVICE_CIDR" --leader-elect=false --bind-address=127.0.0.1
  start kube-scheduler kube-scheduler --kubeconfig="$PKI/scheduler.kubeconfig" \
    --authentication-kubeconfig="$PKI/scheduler.kubeconfig" --authorization-kubeconfig="$PKI/scheduler.kubeconfig" \
    --leader-elect=false --bind-address=127.0.0.1
  # the API server's client certificate may use the kubelet's API (logs, exec, port-forward)
  kubectl create clusterrolebinding kube-apiserver-kubelet-admin --clusterrole=system:kubelet-api-admin \
    --user=kube-apiserver --dry-run=client -o yaml | kubectl apply -f - >/dev/null
}

start_node() {
  mkdir -p "$CLUSTER_STATE/kubelet"
  write_config "$CLUSTER_STATE/kubelet.yaml" <<CFG
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
healthzBindAddress: 127.0.0.1
readOnlyPort: 0
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $PKI/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
serializeImagePulls: false
evictionHard: {memory.available: 200Mi, nodefs.available: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 95
CFG
  start kubelet kubelet --config="$CLUSTER_STATE/kubelet.yaml" --kubeconfig="$PKI/kubelet.kubeconfig" \
    --root-dir="$CLUSTER_STATE/kubelet" --cert-dir="$CLUSTER_STATE/kubelet/pki" \
    --hostname-override="$NODE_NAME" --node-ip="$NODE_IP"
  write_config "$CLUSTER_STATE/kube-proxy.yaml" <<CFG
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $PKI/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
conntrack: {maxPerCore: 0}
CFG
  start kube-proxy kube-proxy --config="$CLUSTER_STATE/kube-proxy.yaml"
  wait_for "node $NODE_NAME" 120 kubectl get node "$NODE_NAME"
  kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=180s >/dev/null ||
    die "node $NODE_NAME is not Ready (logs: $CLUSTER_LOGS/kubelet.log)"
}

# NetworkPolicies enforced, as a user's CNI does (Calico, Cilium, kube-router): Debian's bridge
# plugin ignores them, so kube-router runs beside it as a host process with only its
# network-policy controller (no routing, no service proxy, no CNI). It turns each policy into
# iptables rules and ipsets on the node's FORWARD/OUTPUT chains; kube-proxy keeps the Services.
# It allows what comes from the node itself (the kubelet's probes, the API server's proxy, a
# ClusterIP reached from this machine), as kube-router does on any cluster. The admin kubeconfig:
# a host process on a throwaway single-node cluster, like the control plane beside it.
start_network_policy() {
  start kube-router kube-router --kubeconfig="$PKI/admin.kubeconfig" --hostname-override="$NODE_NAME" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --enable-ipv6=false --service-cluster-ip-range="$SERVICE_CIDR" --health-port=20244 --metrics-port=0
  wait_for "kube-router's network-policy controller (logs: $CLUSTER_LOGS/kube-router.log)" 60 \
    curl -fsS http://127.0.0.1:20244/healthz
}

start_addons() {
  local here; here="$(dirname "${BASH_SOURCE[0]}")"
  kubectl apply -f "$here/config/coredns.yaml" >/dev/null
  bash "$here/local-path.sh"
  kubectl -n kube-system rollout status deploy/coredns --timeout=180s >/dev/null ||
    die "CoreDNS is not Ready (kubectl -n kube-system describe pods -l k8s-app=kube-dns)"
  wait_for "CoreDNS answering kubernetes.default.svc.cluster.local" 60 \
    node "$here/dns-query.js" "$DNS_IP" kubernetes.default.svc.cluster.local
  bash "$here/metrics-server.sh"
}

# sourced by a script that runs single steps (e.g. while debugging this one): stop here
return 0 2>/dev/null || true

t_all=$SECONDS
timed "packages (apt)" install_packages
timed "tools (go build, cached by version)" bash "$(dirname "${BASH_SOURCE[0]}")/build-tools.sh"
timed "host: mounts, sysctls, node address" host_setup
timed "registry" start_registry
timed "containerd" start_containerd
timed "dockerd (+ buildx)" start_dockerd
timed "images (stand-ins, cached)" bash "$(dirname "${BASH_SOURCE[0]}")/images.sh"
timed "etcd + control plane" start_control_plane
timed "kubelet + kube-proxy: node Ready" start_node
timed "kube-router: NetworkPolicies enforced" start_network_policy
timed "CoreDNS + storage + metrics-server" start_addons
print_timings
log "cluster up in $((SECONDS - t_all))s: node $NODE_NAME Ready, CoreDNS answers. In a shell: eval \"\$(bash scripts/cluster/up.sh --print-env)\""
