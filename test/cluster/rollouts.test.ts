// Rollouts of the prod overlay under steady keyed load through the gateway's
// Service: `kubectl rollout restart` of gateway, gacha and item one at a time,
// then all three at once. What the preStop sleep, the readiness 503, the
// drains and the grace periods were designed for: no request fails, no draw
// is lost or doubled in either database, and the outbox drains to zero.
import { signUpAndIn } from "./support/auth";
import { deploymentsAvailable, portForward } from "./support/cluster";
import { gatewayClusterUrl, readyPods, steadyDraws, type LoadResult, type SteadyLoad } from "./support/load";
import { prepareProd, type ProdSystem } from "./support/prod-system";
import { eventually, kubectl, kubectlOk } from "./support/run";

// The load goes to the gateway's ClusterIP from this machine, which only this project's cluster
// routes (its node is this machine); a port-forward would pin one gateway pod and die with it.
// So on your own cluster (GACHA_CLUSTER_EXISTING=1) these two tests are skipped.
const onNode = process.env.GACHA_CLUSTER_EXISTING !== "1";
const itOnNode = onNode ? it : it.skip;
const WHY = "(this project's cluster only: the load reaches the gateway's ClusterIP from the node)";

let prod: ProdSystem;
let userId: number;
let load: SteadyLoad | undefined;
let result: LoadResult;
const steps: { what: string; ok: number; failed: number; seconds: number }[] = [];

beforeAll(async () => {
  if (!onNode) return;
  prod = await prepareProd("rollouts");
  await prod.deploy();
  // the HPAs raise each Deployment from 1 to minReplicas (2) right after the deploy
  await eventually(
    async () => {
      const replicas = await kubectlOk([
        "-n",
        prod.ns,
        "get",
        "deploy",
        "-o",
        "jsonpath={.items[*].status.readyReplicas}",
      ]);
      expect(replicas.trim().split(" ").map(Number)).toEqual([2, 2, 2, 2, 2]); // auth gacha gateway item web
      expect(Object.values(await deploymentsAvailable(prod.ns)).every((s) => s === "True")).toBe(true);
    },
    180_000,
    2_000,
  );
}, 25 * 60_000);

afterAll(async () => {
  await load?.stop();
  await prod?.remove();
}, 120_000);

itOnNode(
  `when gateway, gacha and item are restarted one at a time and then together, and then the node is drained as far as the PDBs allow, under steady load through the gateway's Service, then no request fails ${WHY}`,
  async () => {
    const auth = await portForward(prod.ns, "svc/auth", 8081);
    const user = await signUpAndIn(auth.url).finally(() => auth.close());
    userId = user.userId;
    load = steadyDraws((await gatewayClusterUrl(prod.ns))!, user.bearer);
    await eventually(async () => expect(load!.ok()).toBeGreaterThan(50), 60_000, 1_000);

    for (const deployments of [["gateway"], ["gacha"], ["item"], ["gateway", "gacha", "item"]]) {
      const t0 = Date.now();
      const [ok0, failed0] = [load.ok(), load.failed()];
      await kubectlOk(["-n", prod.ns, "rollout", "restart", ...deployments.map((d) => `deploy/${d}`)]);
      for (const d of deployments)
        await kubectlOk(["-n", prod.ns, "rollout", "status", `deploy/${d}`, "--timeout=300s"], { timeoutMs: 320_000 });
      // the old pods' terminations (preStop 5 s for the gateway, 35 s for gacha and item, then the
      // drain) outlast `rollout status`: wait until they are gone
      await noPodTerminating(prod.ns);
      steps.push({
        what: deployments.join("+"),
        ok: load.ok() - ok0,
        failed: load.failed() - failed0,
        seconds: Math.round((Date.now() - t0) / 1000),
      });
    }
    steps.push(await drainUntilThePdbsRefuse(prod.ns, load));
    result = await load.stop();
    load = undefined;
    console.log(
      `rollouts and the drain under load: ${steps.map((s) => `${s.what} ${s.ok} ok / ${s.failed} failed in ${s.seconds} s`).join("; ")}`,
    );
    expect(result.failures.slice(0, 10)).toEqual([]);
    expect(result.ok).toBeGreaterThan(500);
  },
  20 * 60_000,
);

itOnNode(
  `then every answered draw is in gacha's database once with its key, the outbox drains to zero, and item granted each exactly once ${WHY}`,
  async () => {
    expect(result).toBeDefined();
    const { dbs } = prod;
    await eventually(
      async () => {
        const [row] = await prod.admin((c) =>
          c.query(`SELECT COUNT(*) AS n FROM \`${dbs.gacha}\`.outbox WHERE delivered_at IS NULL`),
        );
        expect(Number(row.n)).toBe(0);
      },
      120_000,
      2_000,
    );
    const draws: { id: string; idempotency_key: string }[] = await prod.admin((c) =>
      c.query(`SELECT id, idempotency_key FROM \`${dbs.gacha}\`.draws WHERE user_id = ?`, [userId]),
    );
    const grants: { draw_id: string; n: bigint }[] = await prod.admin((c) =>
      c.query(`SELECT draw_id, COUNT(*) AS n FROM \`${dbs.item}\`.grants WHERE user_id = ? GROUP BY draw_id`, [userId]),
    );
    const [inventory] = await prod.admin((c) =>
      c.query(`SELECT COALESCE(SUM(count), 0) AS n FROM \`${dbs.item}\`.inventories WHERE user_id = ?`, [userId]),
    );
    const byKey = new Map(draws.map((d) => [d.idempotency_key, d.id]));
    const granted = new Map(grants.map((g) => [g.draw_id, Number(g.n)]));
    // each answered key: one draw row with the id the client got, one grant for its one item
    const lost = result.draws.filter((d) => byKey.get(d.key) !== d.drawId);
    const notGranted = result.draws.filter((d) => granted.get(d.drawId) !== 1);
    expect({ lost: lost.slice(0, 5), notGranted: notGranted.slice(0, 5) }).toEqual({ lost: [], notGranted: [] });
    // and nothing beyond them: no draw without an answer, no grant without a draw, no extra item
    expect(draws).toHaveLength(result.draws.length);
    expect(grants).toHaveLength(result.draws.length);
    expect(Number(inventory.n)).toBe(result.draws.length);
  },
  5 * 60_000,
);

const APPS = ["auth", "gacha", "gateway", "item", "web"];

/** The names of the Ready, not terminating pods of each app. */
async function livePods(ns: string): Promise<Record<string, string[]>> {
  const byApp = await Promise.all(APPS.map(async (app) => [app, (await readyPods(ns, app)).map((p) => p.name)]));
  return Object.fromEntries(byApp);
}

const noPodTerminating = (ns: string) =>
  eventually(
    async () => {
      const pods = await kubectlOk(["-n", ns, "get", "pods", "-o", "jsonpath={.items[*].metadata.deletionTimestamp}"]);
      expect(pods.trim()).toBe("");
    },
    120_000,
    1_000,
  );

/**
 * `kubectl drain` of the node, as far as a single node allows: cordoned, then every pod of the
 * system evicted through the Eviction API until its PodDisruptionBudget (minAvailable: 1) refuses.
 * The evicted pods' replacements have nowhere to go (Pending), so the drain cannot finish: it
 * must stop with each Deployment at exactly one pod, and no request may fail meanwhile.
 */
async function drainUntilThePdbsRefuse(ns: string, running: SteadyLoad) {
  const t0 = Date.now();
  const [ok0, failed0] = [running.ok(), running.failed()];
  const node = (await kubectlOk(["get", "nodes", "-o", "jsonpath={.items[0].metadata.name}"])).trim();
  const before = await livePods(ns);
  let drain: Awaited<ReturnType<typeof kubectl>>;
  let during: Record<string, string[]>;
  try {
    drain = await kubectl(
      [
        "drain",
        node,
        "--pod-selector=app.kubernetes.io/part-of=gacha-platform",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "--timeout=60s",
      ],
      { timeoutMs: 120_000 },
    );
    await noPodTerminating(ns);
    during = await livePods(ns);
  } finally {
    await kubectlOk(["uncordon", node]);
  }
  const output = drain.stdout + drain.stderr;
  // it stopped at the budgets, not because it finished
  expect(drain.code).not.toBe(0);
  expect(output).toMatch(/disruption budget/);
  for (const app of APPS) {
    // a pod of each Deployment was evicted, and the budget kept exactly one serving (the evicted
    // pods' replacements are Pending: the only node is cordoned)
    expect({ app, evicted: before[app]!.some((pod) => output.includes(`pod/${pod} evicted`)) }).toEqual({
      app,
      evicted: true,
    });
    expect({ app, left: during[app]?.length }).toEqual({ app, left: 1 });
  }
  // uncordoned: the Pending replacements start, and the HPAs' minimum (2) is back
  await eventually(
    async () => {
      const ready = await kubectlOk(["-n", ns, "get", "deploy", "-o", "jsonpath={.items[*].status.readyReplicas}"]);
      expect(
        ready
          .trim()
          .split(" ")
          .map(Number)
          .every((n) => n >= 2),
      ).toBe(true);
    },
    180_000,
    2_000,
  );
  return {
    what: "drain (cordon, evict until the PDBs refuse)",
    ok: running.ok() - ok0,
    failed: running.failed() - failed0,
    seconds: Math.round((Date.now() - t0) / 1000),
  };
}
