// Evaluates NetworkPolicies (single namespace) for a connection between two pods,
// following the API's semantics: a pod selected by no policy of a direction is
// open in that direction; once selected, only what some rule allows passes.
import { K8sObject } from "./repo";

export type Labels = Record<string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Selector = { matchLabels?: Labels; matchExpressions?: any[] } | undefined;

export function selects(selector: Selector, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    if (e.operator === "In" && !(has && e.values.includes(value))) return false;
    if (e.operator === "NotIn" && has && e.values.includes(value)) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export interface Endpoint {
  /** labels of a pod in the namespace, or undefined for something outside the cluster */
  labels?: Labels;
  /** labels of the pod's namespace when it is not the policies' own (e.g. the ingress controller's) */
  namespaceLabels?: Labels;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function peerMatches(peers: any[] | undefined, other: Endpoint): boolean {
  if (!peers || peers.length === 0) return true; // no `from`/`to`: any peer
  return peers.some((peer) => {
    if (peer.ipBlock) return other.labels === undefined; // external addresses
    if (other.labels === undefined) return false;
    // podSelector alone = same namespace; a namespaceSelector picks namespaces by their labels
    // ({} = any namespace, ours included); both = those pods in those namespaces
    if (peer.namespaceSelector) {
      const nsSelected =
        other.namespaceLabels === undefined
          ? Object.keys(peer.namespaceSelector).length === 0 ||
            (Object.keys(peer.namespaceSelector.matchLabels ?? {}).length === 0 &&
              !peer.namespaceSelector.matchExpressions?.length)
          : selects(peer.namespaceSelector, other.namespaceLabels);
      return nsSelected && selects(peer.podSelector ?? {}, other.labels);
    }
    if (other.namespaceLabels !== undefined) return false;
    return selects(peer.podSelector ?? {}, other.labels);
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function portMatches(ports: any[] | undefined, port: number, protocol: string): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(
    (p) =>
      (p.protocol ?? "TCP") === protocol &&
      (p.port === undefined || p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort)),
  );
}

function policyTypes(np: K8sObject): string[] {
  return np.spec.policyTypes ?? (np.spec.egress ? ["Ingress", "Egress"] : ["Ingress"]);
}

export function allowed(policies: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol = "TCP"): boolean {
  const egressOk = (() => {
    // the policies apply to pods of their own namespace only
    if (!from.labels || from.namespaceLabels) return true;
    const applying = policies.filter(
      (np) => policyTypes(np).includes("Egress") && selects(np.spec.podSelector, from.labels!),
    );
    if (applying.length === 0) return true;
    return applying.some((np) =>
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (np.spec.egress ?? []).some((rule: any) => peerMatches(rule.to, to) && portMatches(rule.ports, port, protocol)),
    );
  })();
  const ingressOk = (() => {
    if (!to.labels || to.namespaceLabels) return true;
    const applying = policies.filter(
      (np) => policyTypes(np).includes("Ingress") && selects(np.spec.podSelector, to.labels!),
    );
    if (applying.length === 0) return true;
    return applying.some((np) =>
      (np.spec.ingress ?? []).some(
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (rule: any) => peerMatches(rule.from, from) && portMatches(rule.ports, port, protocol),
      ),
    );
  })();
  return egressOk && ingressOk;
}
