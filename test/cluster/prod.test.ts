// `skaffold run -p prod` on a real cluster, as docs/kubernetes.md tells an
// operator (support/prod-system.ts: the databases external, a Secret for each
// URL and one for the signing key). No MySQL in the namespace. Draws work through
// the gateway; gacha's replicas share the load as the HPA adds and removes them;
// the containers run read-only as non-root; the HPA, PDB, Ingress and
// NetworkPolicy objects are accepted.
import { signUpAndIn } from "./support/auth";
import { deploymentsAvailable, portForward } from "./support/cluster";
import { drawsByPod, gatewayClusterUrl, readyPods, steadyDraws, type LoadResult } from "./support/load";
import { DB_SERVICES, prepareProd, type ProdSystem } from "./support/prod-system";
import { eventually, kubectl, kubectlJson, kubectlOk } from "./support/run";

let prod: ProdSystem;
let ns: string;
let dbs: ProdSystem["dbs"];
let admin: ProdSystem["admin"];

beforeAll(async () => {
  prod = await prepareProd("prod");
  ({ ns, dbs, admin } = prod);
}, 120_000);

afterAll(async () => {
  await prod?.remove();
}, 120_000);

it("when `skaffold run -p prod` deploys with the operator's Secrets, then it exits 0 and gateway, gacha, item, auth and web are Available with no MySQL in the namespace", async () => {
  await prod.deploy();
  // right after the deploy the HPAs raise gacha, gateway, item and auth from 1 to minReplicas (2): each is
  // Available again once its second pod is Ready
  await eventually(
    async () => {
      expect(await deploymentsAvailable(ns)).toEqual({
        auth: "True",
        gacha: "True",
        gateway: "True",
        item: "True",
        web: "True",
      });
    },
    180_000,
    2_000,
  );
  expect((await kubectlOk(["-n", ns, "get", "statefulsets,pvc", "-o", "name"])).trim()).toBe("");
});

it("then the migrations are applied in the external databases, and a user who signs up and in draws through the gateway, recorded there", async () => {
  for (const svc of DB_SERVICES) {
    const applied = await admin((c) =>
      c.query(`SELECT COUNT(*) AS n FROM \`${dbs[svc]}\`._prisma_migrations WHERE finished_at IS NOT NULL`),
    );
    expect({ svc, applied: Number(applied[0].n) > 0 }).toEqual({ svc, applied: true });
  }
  const pf = await portForward(ns, "svc/gateway", 8080);
  const auth = await portForward(ns, "svc/auth", 8081);
  try {
    const { userId, bearer } = await signUpAndIn(auth.url);
    const draw = (headers: Record<string, string>) =>
      fetch(`${pf.url}/draw`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ count: 3 }),
        signal: AbortSignal.timeout(15_000),
      });
    expect((await draw({})).status).toBe(401);
    const res = await draw({ authorization: bearer });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { draw_id: string; items: unknown[] };
    expect(body.items).toHaveLength(3);
    const rows = await admin((c) =>
      c.query(`SELECT COUNT(*) AS n FROM \`${dbs.gacha}\`.histories WHERE user_id = ?`, [userId]),
    );
    expect(Number(rows[0].n)).toBe(3);
  } finally {
    await Promise.all([pf.close(), auth.close()]);
  }
});

it("when the HPA adds gacha replicas under steady load, then each new pod serves its share within 30 s of Ready, and scaling back to 1 fails no request", async () => {
  const auth = await portForward(ns, "svc/auth", 8081);
  const { bearer } = await signUpAndIn(auth.url).finally(() => auth.close());
  // the gateway's Service from the node (its ClusterIP); on a cluster whose ClusterIPs this
  // machine cannot reach, a port-forward to it (one gateway pod: the gateway -> gacha hop is the one measured)
  const direct = await gatewayClusterUrl(ns);
  const pf = direct ? undefined : await portForward(ns, "svc/gateway", 8080);
  const load = steadyDraws(direct ?? pf!.url, bearer);
  const hpa = (min: number, max: number) =>
    kubectlOk([
      "-n",
      ns,
      "patch",
      "hpa",
      "gacha",
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { minReplicas: min, maxReplicas: max } }),
    ]);
  let result: LoadResult;
  try {
    // the gateway's connections to the two replicas it has are up before the third appears
    await eventually(async () => expect(load.ok()).toBeGreaterThan(50), 60_000, 1_000);
    await hpa(3, 6);
    const pods = await eventually(
      async () => {
        const ready = await readyPods(ns, "gacha");
        expect(ready).toHaveLength(3);
        return ready;
      },
      180_000,
      1_000,
    );
    const newest = Math.max(...pods.map((p) => p.readySince));
    const names = pods.map((p) => p.name);
    // shares over the 15 s from 30 s after the newest pod became Ready: by then every pod has its share
    await new Promise((r) => setTimeout(r, Math.max(0, newest + 30_000 - Date.now())));
    const before = await drawsByPod(ns, names);
    await new Promise((r) => setTimeout(r, 15_000));
    const after = await drawsByPod(ns, names);
    const served = names.map((n) => after[n]! - before[n]!);
    const total = served.reduce((a, b) => a + b, 0);
    const shares = Object.fromEntries(names.map((n, i) => [n, Math.round((100 * served[i]!) / total)]));
    console.log(`gacha draws per pod 30-45 s after the third was Ready: ${JSON.stringify(shares)} % of ${total}`);
    expect(total).toBeGreaterThan(100);
    for (const n of names) expect({ pod: n, share: shares[n]! >= 20 }).toEqual({ pod: n, share: true });

    // down to one replica (no metrics decide here: the bounds do), with the load still on
    await hpa(1, 1);
    await eventually(
      async () => {
        const { items } = await kubectlJson(["-n", ns, "get", "pods", "-l", "app.kubernetes.io/name=gacha"]);
        expect(items).toHaveLength(1);
      },
      180_000,
      1_000,
    );
    await new Promise((r) => setTimeout(r, 5_000));
  } finally {
    result = await load.stop();
    await pf?.close();
    await hpa(2, 6).catch(() => undefined);
  }
  console.log(`gacha scale 2 -> 3 -> 1 under load: ${result.ok} draws, ${result.failures.length} failed`);
  expect(result.failures.slice(0, 10)).toEqual([]);
}, 600_000);

it("when steady load raises the gateway's CPU, then its HPA scales it up from the metrics API, and back to 2 once the load stops (its 300 s scale-down window shortened to 15 s for the test)", async () => {
  const hpaStatus = async () =>
    kubectlJson<{ spec: { minReplicas: number }; status: { desiredReplicas?: number; currentMetrics?: unknown[] } }>([
      "-n",
      ns,
      "get",
      "hpa",
      "gateway",
    ]);
  const readyGateways = async () => (await readyPods(ns, "gateway")).length;
  const window = (seconds: number) =>
    kubectlOk([
      "-n",
      ns,
      "patch",
      "hpa",
      "gateway",
      "--type=merge",
      "-p",
      JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: seconds } } } }),
    ]);
  const metricsApi = await kubectl(["get", "apiservice", "v1beta1.metrics.k8s.io"]);
  if (metricsApi.code !== 0)
    throw new Error(
      "the HPAs need the metrics.k8s.io API and this cluster has none: install metrics-server (minikube addons enable metrics-server)",
    );
  // the HPA reads CPU from metrics.k8s.io (metrics-server): wait until it has a reading. The load of
  // the tests before may have scaled the gateway up already: with the short window it comes back to 2
  await eventually(
    async () => expect((await hpaStatus()).status.currentMetrics?.length).toBeGreaterThan(0),
    180_000,
    2_000,
  );
  await window(15);
  try {
    const atRest = async () => {
      expect((await hpaStatus()).status.desiredReplicas).toBe(2);
      expect(await readyGateways()).toBe(2);
    };
    await eventually(atRest, 300_000, 2_000);
    const auth = await portForward(ns, "svc/auth", 8081);
    const { bearer } = await signUpAndIn(auth.url).finally(() => auth.close());
    const direct = await gatewayClusterUrl(ns);
    const pf = direct ? undefined : await portForward(ns, "svc/gateway", 8080);
    const load = steadyDraws(direct ?? pf!.url, bearer);
    const t0 = Date.now();
    let scaledUpMs: number;
    let readyMs: number;
    let result: LoadResult;
    try {
      await eventually(
        async () => expect((await hpaStatus()).status.desiredReplicas).toBeGreaterThan(2),
        180_000,
        1_000,
      );
      scaledUpMs = Date.now() - t0;
      await eventually(async () => expect(await readyGateways()).toBeGreaterThan(2), 180_000, 1_000);
      readyMs = Date.now() - t0;
    } finally {
      result = await load.stop();
      await pf?.close();
    }
    const t1 = Date.now();
    await eventually(atRest, 300_000, 2_000);
    console.log(
      `gateway HPA: load -> more replicas wanted ${Math.round(scaledUpMs / 1000)} s, -> Ready ${Math.round(readyMs / 1000)} s; ` +
        `load stopped -> back to 2 ${Math.round((Date.now() - t1) / 1000)} s (window 15 s); ${result.ok} draws, ${result.failures.length} failed`,
    );
    expect(result.failures.slice(0, 10)).toEqual([]);
  } finally {
    await window(300);
  }
}, 900_000);

it("when a prod container is asked, then it runs as uid 65532 and cannot write to its root filesystem", async () => {
  for (const deploy of ["gateway", "gacha", "item", "auth"]) {
    // distroless: no shell, so ask the container's own node
    const r = await kubectl(
      [
        "-n",
        ns,
        "exec",
        `deploy/${deploy}`,
        "-c",
        deploy,
        "--",
        "/nodejs/bin/node",
        "-e",
        "let w; try { require('fs').writeFileSync('/probe', 'x'); w = 'writable'; } catch (e) { w = e.code; } console.log(process.getuid(), w)",
      ],
      { timeoutMs: 30_000 },
    );
    expect({ deploy, out: r.stdout.trim() }).toEqual({ deploy, out: "65532 EROFS" });
  }
});

it("then the HPAs, PodDisruptionBudgets, Ingress and NetworkPolicies were accepted by the API server", async () => {
  const names = async (kind: string) =>
    ((await kubectlJson(["-n", ns, "get", kind])).items as { metadata: { name: string } }[])
      .map((o) => o.metadata.name)
      .sort();
  expect(await names("hpa")).toEqual(["auth", "gacha", "gateway", "item", "web"]);
  expect(await names("pdb")).toEqual(["auth", "gacha", "gateway", "item", "web"]);
  expect((await names("ingress")).length).toBe(1);
  expect((await names("networkpolicy")).length).toBeGreaterThanOrEqual(4);
});
