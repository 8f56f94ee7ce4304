// The prod NetworkPolicies, evaluated for the flows the system needs and the
// ones it must not allow (deny by default).
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { allowed, Endpoint } from "./support/network-policy";
import { K8sObject, ofKind, render, renderDir, repoRoot } from "./support/repo";

const pod = (name: string, component = "backend"): Endpoint => ({
  labels: {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "gacha-platform",
  },
});
const gateway = pod("gateway", "gateway");
const gacha = pod("gacha");
const item = pod("item");
const gachaMigrate = pod("gacha-migrate", "migration");
const auth = pod("auth", "auth");
const authMigrate = pod("auth-migrate", "migration");
const stranger = pod("debug-shell", "other");
const web = pod("web", "web");
// ingress-nginx's controller pod, in its own namespace (minikube's addon and the upstream chart)
const ingressController: Endpoint = {
  labels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
  namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" },
};
const otherNamespacePod: Endpoint = {
  labels: { app: "x" },
  namespaceLabels: { "kubernetes.io/metadata.name": "default" },
};
const outside: Endpoint = {};
// an operator's Prometheus, in its own namespace
const prometheus: Endpoint = {
  labels: { "app.kubernetes.io/name": "prometheus" },
  namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
};

describe("the prod NetworkPolicies", () => {
  const policies = () => ofKind(render("prod"), "NetworkPolicy");

  it("when prod is rendered, then the network-policies component is included with a default deny for both directions", () => {
    const deny = policies().find(
      (np) => Object.keys(np.spec.podSelector ?? {}).length === 0 && !np.spec.ingress && !np.spec.egress,
    );
    expect(deny?.spec.policyTypes).toEqual(expect.arrayContaining(["Ingress", "Egress"]));
    // in the prod platform module, which every service's module requires (skaffold.yaml)
    const kustomization = YAML.parse(
      fs.readFileSync(path.join(repoRoot, "k8s/overlays/prod/platform/kustomization.yaml"), "utf8"),
    );
    expect(kustomization.components).toContain("../../../components/network-policies");
    expect(
      YAML.parse(fs.readFileSync(path.join(repoRoot, "k8s/components/network-policies/kustomization.yaml"), "utf8"))
        .kind,
    ).toBe("Component");
  });

  const flows: [string, Endpoint, Endpoint, number, boolean][] = [
    ["the ingress controller -> gateway:8080", ingressController, gateway, 8080, true],
    ["the ingress controller -> web:5173", ingressController, web, 5173, true],
    ["anyone (outside the cluster, a LoadBalancer) -> gateway:8080, the public entry", outside, gateway, 8080, true],
    ["a pod of another namespace -> web:5173", otherNamespacePod, web, 5173, false],
    ["outside the cluster, bypassing the Ingress -> web:5173", outside, web, 5173, false],
    ["a stray pod of the namespace -> web:5173", stranger, web, 5173, false],
    ["the ingress controller -> gacha:50051", ingressController, gacha, 50051, false],
    ["web -> gateway:8080 (the page calls the API through the Ingress, not from the pod)", web, gateway, 8080, false],
    ["web -> the internet:443", web, outside, 443, false],
    ["a stray pod of the namespace (egress denied by default) -> gateway:8080", stranger, gateway, 8080, false],
    ["gateway -> gacha:50051", gateway, gacha, 50051, true],
    ["gateway -> item:50052", gateway, item, 50052, true],
    ["gacha -> item:50052", gacha, item, 50052, true],
    ["gacha -> database:3306", gacha, outside, 3306, true],
    ["item -> database:3306", item, outside, 3306, true],
    ["migration Job -> database:3306", gachaMigrate, outside, 3306, true],
    ["outside -> gacha:50051", outside, gacha, 50051, false],
    ["another pod -> gacha:50051", stranger, gacha, 50051, false],
    ["item -> gacha:50051", item, gacha, 50051, false],
    ["outside -> item:50052", outside, item, 50052, false],
    ["another pod -> item:50052", stranger, item, 50052, false],
    ["gateway -> database:3306", gateway, outside, 3306, false],
    ["gateway -> the internet:443", gateway, outside, 443, false],
    ["gacha -> the internet:443", gacha, outside, 443, false],
    ["outside -> gateway:9229 (another port)", outside, gateway, 9229, false],
    ["migration Job -> gacha:50051", gachaMigrate, gacha, 50051, false],
    ["gateway -> the OTLP collector:4318", gateway, outside, 4318, true],
    ["gacha -> the OTLP collector:4318", gacha, outside, 4318, true],
    ["item -> the OTLP collector:4318", item, outside, 4318, true],
    ["web -> the OTLP collector:4318 (web exports nothing)", web, outside, 4318, false],
    ["migration Job -> the OTLP collector:4318", gachaMigrate, outside, 4318, false],
    ["Prometheus (its own namespace) -> gacha:9464", prometheus, gacha, 9464, true],
    ["Prometheus (its own namespace) -> item:9465", prometheus, item, 9465, true],
    ["Prometheus -> gacha:50051 (not the gRPC port)", prometheus, gacha, 50051, false],
    ["a stray pod of the namespace -> gacha:9464", stranger, gacha, 9464, false],
    ["outside -> item:9465", outside, item, 9465, false],
    // auth: sign-up and sign-in through the Ingress, the JWKS for the gateway, its own database
    ["the ingress controller -> auth:8081 (sign-up, sign-in)", ingressController, auth, 8081, true],
    ["gateway -> auth:8081 (the JWKS)", gateway, auth, 8081, true],
    ["auth -> database:3306", auth, outside, 3306, true],
    ["auth migration Job -> database:3306", authMigrate, outside, 3306, true],
    ["Prometheus (its own namespace) -> auth:8081 (/metrics)", prometheus, auth, 8081, true],
    ["auth -> the OTLP collector:4318", auth, outside, 4318, true],
    ["outside, bypassing the Ingress -> auth:8081", outside, auth, 8081, false],
    ["a stray pod of the namespace -> auth:8081", stranger, auth, 8081, false],
    ["gacha -> auth:8081", gacha, auth, 8081, false],
    ["web -> auth:8081 (the page signs in through the Ingress)", web, auth, 8081, false],
    ["auth -> gacha:50051", auth, gacha, 50051, false],
    ["auth -> the internet:443", auth, outside, 443, false],
  ];
  it.each(flows.map(([label, from, to, port, expected]) => ({ label, from, to, port, expected })))(
    "when $label is attempted, then it is allowed: $expected",
    ({ from, to, port, expected }) => {
      expect(allowed(policies(), from, to, port)).toBe(expected);
    },
  );

  it.each([
    { name: "gateway", from: gateway },
    { name: "gacha", from: gacha },
    { name: "item", from: item },
    { name: "gacha-migrate", from: gachaMigrate },
    { name: "auth", from: auth },
    { name: "web", from: web },
  ])("when a $name pod resolves a name, then DNS (53/UDP and TCP) is allowed", ({ from }) => {
    expect(allowed(policies(), from, outside, 53, "UDP")).toBe(true);
    expect(allowed(policies(), from, outside, 53, "TCP")).toBe(true);
  });

  it("when prod is rendered, then exactly the component's shared policies and each module's own are present (and dev has none)", () => {
    // a component cannot be built alone; render prod and compare with the policy files instead
    const shared = fs
      .readdirSync(path.join(repoRoot, "k8s/components/network-policies"))
      .filter((f) => f !== "kustomization.yaml")
      .map((f) => `k8s/components/network-policies/${f}`);
    const own = ["gateway", "web", "gacha", "item", "auth"].map((m) => `k8s/overlays/prod/${m}/network-policy.yaml`);
    const names = [...shared, ...own].map(
      (f) => (YAML.parse(fs.readFileSync(path.join(repoRoot, f), "utf8")) as K8sObject).metadata.name,
    );
    expect(
      policies()
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(names.sort());
    expect(renderDir("k8s/overlays/dev").filter((o) => o.kind === "NetworkPolicy")).toEqual([]);
  });
});
