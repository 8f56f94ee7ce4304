// One module deployed on its own, as a backend developer runs it (docs/kubernetes.md,
// "Modules"): `skaffold run -f skaffold.modules.yaml -m gacha` builds and deploys gacha and what it requires
// (platform: MySQL, Jaeger, Prometheus; item), the migration Jobs included, and every
// Deployment becomes Available without the gateway, auth or the web page. Then
// `skaffold delete -f skaffold.modules.yaml -m gacha` removes what it deployed.
import { createNamespace, deleteNamespace, deploymentsAvailable } from "./support/cluster";
import { kubectlJson, skaffold } from "./support/run";

let ns: string;
beforeAll(async () => {
  ns = await createNamespace("module");
});
afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

it("when `skaffold run -m gacha` deploys, then gacha, item, MySQL, Jaeger and Prometheus are Available, and nothing else is deployed", async () => {
  const t0 = Date.now();
  const r = await skaffold(["run", "-f", "skaffold.modules.yaml", "-m", "gacha", "-n", ns, "--status-check=true"], {
    timeoutMs: 20 * 60_000,
  });
  if (r.code !== 0) throw new Error(`skaffold run -m gacha exited ${r.code}:\n${(r.stdout + r.stderr).slice(-6000)}`);
  console.log(`cluster tier: skaffold run -m gacha took ${Date.now() - t0} ms`);
  expect(await deploymentsAvailable(ns)).toEqual({
    gacha: "True",
    item: "True",
    jaeger: "True",
    prometheus: "True",
  });
  const { items: sets } = await kubectlJson(["-n", ns, "get", "statefulsets"]);
  expect(sets.map((s) => s.metadata.name)).toEqual(["mysql"]);
  const { items: services } = await kubectlJson(["-n", ns, "get", "services"]);
  expect(services.map((s) => s.metadata.name).filter((n) => /^(gateway|auth|web)$/.test(n))).toEqual([]);
});

it("when `skaffold delete -m gacha` runs, then the module's Deployments and MySQL are gone", async () => {
  const r = await skaffold(["delete", "-f", "skaffold.modules.yaml", "-m", "gacha", "-n", ns], {
    timeoutMs: 5 * 60_000,
  });
  if (r.code !== 0) throw new Error(`skaffold delete -m gacha exited ${r.code}:\n${r.stdout}${r.stderr}`);
  const { items } = await kubectlJson(["-n", ns, "get", "deployments,statefulsets"]);
  expect(items.map((o) => o.metadata.name)).toEqual([]);
});
