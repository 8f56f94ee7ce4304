#!/usr/bin/env bash
# Certificates and kubeconfigs for the cluster tier's single node, made once
# with openssl into $GACHA_CLUSTER_STATE/pki (the layout of Kubernetes'
# hack/local-up-cluster.sh, with one CA for serving and client certificates).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NODE_IP="$1" NODE_NAME="$2" API_URL="$3"
pki="$CLUSTER_STATE/pki"
mkdir -p "$pki" && cd "$pki"
[ -f ca.crt ] && [ -f admin.kubeconfig ] && exit 0

openssl genrsa -out ca.key 2048 2>/dev/null
openssl req -x509 -new -key ca.key -days 3650 -subj "/CN=gacha-cluster-ca" -out ca.crt 2>/dev/null
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null

# cert NAME SUBJECT EXT: a key and a certificate signed by the CA
cert() {
  openssl genrsa -out "$1.key" 2048 2>/dev/null
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
client="extendedKeyUsage=clientAuth"
cert apiserver "/CN=kube-apiserver" "extendedKeyUsage=serverAuth
subjectAltName=DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$NODE_IP,IP:10.96.0.1"
cert admin "/O=system:masters/CN=kubernetes-admin" "$client"
cert apiserver-kubelet-client "/O=kube-apiserver-kubelet-client/CN=kube-apiserver" "$client"
cert controller-manager "/CN=system:kube-controller-manager" "$client"
cert scheduler "/CN=system:kube-scheduler" "$client"
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME" "$client"
cert kube-proxy "/CN=system:kube-proxy" "$client"
cert front-proxy-client "/CN=front-proxy-client" "$client"

for who in admin controller-manager scheduler kubelet kube-proxy; do
  cat > "$who.kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
  - name: gacha-local
    cluster: {certificate-authority: $pki/ca.crt, server: "$API_URL"}
users:
  - name: $who
    user: {client-certificate: $pki/$who.crt, client-key: $pki/$who.key}
contexts:
  - name: gacha-local
    context: {cluster: gacha-local, user: $who}
current-context: gacha-local
KCFG
done
chmod 600 ./*.key
