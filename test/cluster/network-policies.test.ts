// The prod NetworkPolicies enforced on a live namespace: the flows the system
// needs connect, the ones k8s/test/network-policies.test.ts denies on paper
// fail within a few seconds. The cluster enforces them as a user's CNI does
// (this project's cluster: kube-router's network-policy controller, started by
// scripts/cluster/up.sh). The dev overlay has none: there the same denied flow
// connects (test/cluster/skaffold-run.test.ts).
import {
  CONNECT_TIMEOUT_MS,
  imageOf,
  podOf,
  reachFrom,
  resolvesFrom,
  startProbePod,
  type Reach,
} from "./support/netcheck";
import { deploymentsAvailable } from "./support/cluster";
import { prepareProd, type ProdSystem } from "./support/prod-system";
import { eventually } from "./support/run";

const partOf = { "app.kubernetes.io/part-of": "gacha-platform" };
// a pod nobody wrote a policy for, and the pod of gacha's migration Job (which has finished and
// deleted itself by now), with the labels k8s/base/gacha/migrate-job.yaml gives it
const STRANGER = { name: "debug-shell", labels: { "app.kubernetes.io/name": "debug-shell", ...partOf } };
const MIGRATION = {
  name: "gacha-migrate-probe",
  labels: { "app.kubernetes.io/name": "gacha-migrate", "app.kubernetes.io/component": "migration", ...partOf },
};

let prod: ProdSystem;
const pods: Record<string, string> = {};

beforeAll(async () => {
  prod = await prepareProd("netpol");
  await prod.deploy();
  await eventually(
    async () => expect(Object.values(await deploymentsAvailable(prod.ns)).every((s) => s === "True")).toBe(true),
    120_000,
    2_000,
  );
  for (const app of ["gateway", "gacha", "item", "auth", "web"]) pods[app] = await podOf(prod.ns, app);
  const image = await imageOf(prod.ns, "gacha");
  pods.stranger = await startProbePod(prod.ns, STRANGER.name, STRANGER.labels, image);
  pods.migration = await startProbePod(prod.ns, MIGRATION.name, MIGRATION.labels, image);
}, 25 * 60_000);

afterAll(async () => {
  await prod?.remove();
}, 120_000);

type Flow = [label: string, from: string, to: () => [host: string, port: number], allowed: boolean];
const svc =
  (host: string, port: number): Flow[2] =>
  () => [host, port];
const database: Flow[2] = () => [prod.dbAddress.host, prod.dbAddress.port];

// the flows of the paper matrix that a live namespace can try (the ingress controller, an
// operator's Prometheus and the OTLP collector are not deployed here)
const flows: Flow[] = [
  ["gateway -> gacha:50051", "gateway", svc("gacha", 50051), true],
  ["gateway -> item:50052", "gateway", svc("item", 50052), true],
  ["gateway -> auth:8081 (the JWKS)", "gateway", svc("auth", 8081), true],
  ["gacha -> item:50052", "gacha", svc("item", 50052), true],
  ["gacha -> its database:3306", "gacha", database, true],
  ["item -> its database:3306", "item", database, true],
  ["auth -> its database:3306", "auth", database, true],
  ["the migration Job -> its database:3306", "migration", database, true],
  ["a stranger pod -> gacha:50051", "stranger", svc("gacha", 50051), false],
  ["a stranger pod -> gateway:8080 (egress denied by default)", "stranger", svc("gateway", 8080), false],
  ["item -> gacha:50051", "item", svc("gacha", 50051), false],
  ["gateway -> the database:3306", "gateway", database, false],
  ["the migration Job -> item:50052", "migration", svc("item", 50052), false],
  ["web -> gateway:8080", "web", svc("gateway", 8080), false],
  ["gacha -> auth:8081", "gacha", svc("auth", 8081), false],
  ["auth -> gacha:50051", "auth", svc("gacha", 50051), false],
];

it.each(flows.map(([label, from, to, allowed]) => ({ label, from, to, allowed })))(
  "when $label is attempted in the live prod namespace, then it connects: $allowed",
  async ({ from, to, allowed }) => {
    const [host, port] = to();
    const t0 = Date.now();
    const reach: Reach = await reachFrom(prod.ns, pods[from]!, host, port);
    // denied: the connection fails (dropped or rejected), the name still resolved (DNS is allowed)
    if (allowed) expect(reach).toBe("connected");
    else expect(["timeout", "refused"]).toContain(reach);
    // within a few seconds either way: the connect's own timeout plus `kubectl exec`
    expect(Date.now() - t0).toBeLessThan(CONNECT_TIMEOUT_MS + 10_000);
  },
  60_000,
);

it.each(["gateway", "gacha", "item", "auth", "web", "stranger", "migration"])(
  "when a %s pod resolves a Service's name, then DNS answers (53 to CoreDNS is allowed for every pod)",
  async (from) => {
    expect(await resolvesFrom(prod.ns, pods[from]!, `gacha.${prod.ns}.svc.cluster.local`)).toBe(true);
  },
  60_000,
);
