// bench:cluster: draws/s through the gateway's Service on a cluster, against the same
// load on this machine's local stack (bench:draw's: the services as processes from
// compiled JS, what `npm run dev` runs minus tsx and nodemon).
// On the cluster: the prod overlay as an operator deploys it (test/cluster/support/prod-system.ts:
// external databases on this machine's MariaDB, the HPAs' 2 replicas of each service), the
// load sent from this machine to the gateway's ClusterIP, so it needs this project's cluster
// (scripts/cluster/up.sh; its node is this machine) and `eval "$(bash scripts/cluster/up.sh --print-env)"`.
// Each draw is signed in as one of USERS users, as in bench:draw.
import { drawThroughput } from "./draw-throughput";
import { createPoster } from "./lib/http-client";
import { printTable, runLoad, settings, type LoadResult } from "./lib/load";
import { signUpAndIn, type SignedIn } from "../test/cluster/support/auth";
import { portForward } from "../test/cluster/support/cluster";
import { gatewayClusterUrl, readyPods } from "../test/cluster/support/load";
import { prepareProd } from "../test/cluster/support/prod-system";
import { eventually } from "../test/cluster/support/run";

const USERS = 20;

async function onCluster(): Promise<LoadResult[]> {
  const prod = await prepareProd("bench");
  try {
    console.error(`bench:cluster: skaffold run -p prod into ${prod.ns} (builds the prod images on a cold cache)`);
    await prod.deploy();
    await eventually(
      async () => {
        for (const app of ["auth", "gacha", "gateway", "item"])
          if ((await readyPods(prod.ns, app)).length < 2) throw new Error(`${app}: fewer than 2 Ready pods`);
      },
      300_000,
      2_000,
    );
    const auth = await portForward(prod.ns, "svc/auth", 8081);
    const users: SignedIn[] = [];
    try {
      for (let i = 0; i < USERS; i++) users.push(await signUpAndIn(auth.url));
    } finally {
      await auth.close();
    }
    const url = await gatewayClusterUrl(prod.ns);
    if (!url) throw new Error("bench:cluster sends its load to the gateway's ClusterIP: this project's cluster only");
    const { hostname, port } = new URL(url);
    const post = createPoster(Number(port), Math.max(...settings.concurrencies), hostname);
    const results: LoadResult[] = [];
    for (const concurrency of settings.concurrencies) {
      results.push(
        await runLoad({
          concurrency,
          warmupMs: settings.warmupSeconds * 1000,
          durationMs: settings.seconds * 1000,
          op: async () => {
            const user = users[Math.floor(Math.random() * users.length)]!;
            return (await post("/draw", { count: 1 }, { authorization: user.bearer })).status === 200;
          },
        }),
      );
    }
    return results;
  } finally {
    await prod.remove();
  }
}

async function main(): Promise<void> {
  const title = `${settings.seconds} s each after ${settings.warmupSeconds} s warm-up`;
  printTable(
    `draws through the gateway's Service on the cluster (prod overlay, 2 replicas each), ${title}`,
    await onCluster(),
  );
  if (!process.env.BENCH_CLUSTER_ONLY)
    printTable(`the same load on the local stack (bench:draw), ${title}`, (await drawThroughput()).results);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
