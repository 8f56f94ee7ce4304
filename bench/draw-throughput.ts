// Draws per second and latency through the gateway: the services as
// separate processes from compiled JS (run `npm run build` first; the npm
// script does), LOG_LEVEL=warn, fresh bench databases created and dropped here,
// a keep-alive HTTP client, one POST /draw {user_id, count 1} after the other
// per worker, each signed in (Authorization: Bearer, verified by the gateway on
// every draw) as one of 100 users who signed up before the load.
const USERS = 100;
import { counterDelta, createBenchDatabases, statementCounters } from "./lib/databases";
import { createPoster } from "./lib/http-client";
import { printTable, runLoad, settings, type LoadResult } from "./lib/load";
import { cpuMs, mariadbPid, startStack } from "./lib/services";

export async function drawThroughput(
  concurrencies = settings.concurrencies,
  serviceEnv = parseEnv(process.env.BENCH_SERVICE_ENV),
): Promise<{ results: LoadResult[]; rss: Record<string, number[]>; cpuMsPerDraw: Record<string, number>[] }> {
  const dbs = await createBenchDatabases("draw");
  const stack = await startStack(dbs, serviceEnv, process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []);
  const cpuMsPerDraw: Record<string, number>[] = [];
  const rss: Record<string, number[]> = {};
  const sample = () => {
    for (const s of [stack.item, stack.gacha, stack.gateway]) (rss[s.name] ??= []).push(s.rssMiB());
  };
  const results: LoadResult[] = [];
  try {
    const post = createPoster(stack.gatewayPort, Math.max(...concurrencies));
    const users: { userId: number; bearer: string }[] = [];
    for (let i = 0; i < USERS; i++) users.push(await stack.signIn());
    const op = async () => {
      const user = users[Math.floor(Math.random() * users.length)]!;
      return (await post("/draw", { user_id: user.userId }, { authorization: user.bearer })).status === 200;
    };
    sample(); // idle, just started
    for (const concurrency of concurrencies) {
      const before = await statementCounters();
      const cpuBefore = [stack.item, stack.gacha, stack.gateway].map((s) => s.cpuMs());
      const selfBefore = process.cpuUsage();
      const dbPid = mariadbPid();
      const dbBefore = dbPid ? cpuMs(dbPid) : 0;
      const r = await runLoad({
        concurrency,
        warmupMs: settings.warmupSeconds * 1000,
        durationMs: settings.seconds * 1000,
        op,
      });
      const after = await statementCounters();
      // CPU of the three services per draw (warm-up included on both sides of the ratio)
      const drawsInclWarmup = r.ok * (1 + settings.warmupSeconds / settings.seconds);
      cpuMsPerDraw.push(
        Object.fromEntries(
          [stack.item, stack.gacha, stack.gateway].map((s, i) => [
            s.name,
            (s.cpuMs() - cpuBefore[i]!) / drawsInclWarmup,
          ]),
        ),
      );
      if (process.env.BENCH_COUNTERS)
        console.log(
          `c=${concurrency} server statements per draw (approx., includes warm-up):`,
          counterDelta(before, after, r.ok * (1 + settings.warmupSeconds / settings.seconds)),
        );
      if (process.env.BENCH_COUNTERS) {
        const draws = r.ok * (1 + settings.warmupSeconds / settings.seconds);
        const cpu = [stack.item, stack.gacha, stack.gateway].map(
          (s, i) => `${s.name} ${((s.cpuMs() - cpuBefore[i]!) / draws).toFixed(2)}`,
        );
        const self = process.cpuUsage(selfBefore);
        const db = dbPid ? `, mariadbd ${((cpuMs(dbPid) - dbBefore) / draws).toFixed(2)}` : "";
        console.log(
          `c=${concurrency} CPU ms per draw: ${cpu.join(", ")}, load client ${((self.user + self.system) / 1000 / draws).toFixed(2)}${db}`,
        );
      }
      results.push(r);
      sample();
    }
  } finally {
    await stack.stop();
    await dbs.drop();
  }
  return { results, rss, cpuMsPerDraw };
}

function parseEnv(spec: string | undefined): Record<string, string> {
  // "A=1,B=2": extra service settings for experiments (pool sizes etc.).
  return Object.fromEntries(
    (spec ?? "")
      .split(",")
      .filter(Boolean)
      .map((kv) => kv.split("=") as [string, string]),
  );
}

if (require.main === module) {
  drawThroughput()
    .then(({ results, rss }) => {
      printTable(
        `draws through the gateway, ${settings.seconds} s each after ${settings.warmupSeconds} s warm-up`,
        results,
      );
      console.log("\nRSS MiB (idle after start, then after each concurrency level):", JSON.stringify(rss));
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
