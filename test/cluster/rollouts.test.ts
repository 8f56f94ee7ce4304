// Rollouts of the prod overlay under steady keyed load through the gateway's
// Service: `kubectl rollout restart` of gateway, gacha and item one at a time,
// then all three at once. What the preStop sleep, the readiness 503, the
// drains and the grace periods were designed for: no request fails, no draw
// is lost or doubled in either database, and the outbox drains to zero.
import { signUpAndIn } from "./support/auth";
import { deploymentsAvailable, portForward } from "./support/cluster";
import { gatewayClusterUrl, steadyDraws, type LoadResult, type SteadyLoad } from "./support/load";
import { prepareProd, type ProdSystem } from "./support/prod-system";
import { eventually, kubectlOk } from "./support/run";

// The load goes to the gateway's ClusterIP from this machine, which only this project's cluster
// routes (its node is this machine); a port-forward would pin one gateway pod and die with it.
// Opt-in (GACHA_CLUSTER_ROLLOUTS=1) until it passes reliably: in one CI run of two the gateway's
// rollout cut one keep-alive request ("other side closed") and gacha's answered 51 draws 503
// (docs/kubernetes.md#rollouts-under-load).
const enabled = process.env.GACHA_CLUSTER_EXISTING !== "1" && process.env.GACHA_CLUSTER_ROLLOUTS === "1";
const itOnNode = enabled ? it : it.skip;
const WHY = "(opt-in: GACHA_CLUSTER_ROLLOUTS=1 on this project's cluster; not yet reliable in CI)";

let prod: ProdSystem;
let userId: number;
let load: SteadyLoad | undefined;
let result: LoadResult;
const steps: { what: string; ok: number; failed: number; seconds: number }[] = [];

beforeAll(async () => {
  if (!enabled) return;
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
  `when gateway, gacha and item are restarted one at a time and then together under steady load through the gateway's Service, then no request fails ${WHY}`,
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
      await eventually(
        async () => {
          const pods = await kubectlOk([
            "-n",
            prod.ns,
            "get",
            "pods",
            "-o",
            "jsonpath={.items[*].metadata.deletionTimestamp}",
          ]);
          expect(pods.trim()).toBe("");
        },
        120_000,
        1_000,
      );
      steps.push({
        what: deployments.join("+"),
        ok: load.ok() - ok0,
        failed: load.failed() - failed0,
        seconds: Math.round((Date.now() - t0) / 1000),
      });
    }
    result = await load.stop();
    load = undefined;
    console.log(
      `rollout restarts under load: ${steps.map((s) => `${s.what} ${s.ok} ok / ${s.failed} failed in ${s.seconds} s`).join("; ")}`,
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
