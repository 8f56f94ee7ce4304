// Cold start of each service from compiled JS (npm run build first; the npm
// script does): process spawn → gRPC health SERVING (item, gacha) or GET
// /readyz 200 (gateway, whose readiness needs both upstreams), and RSS right
// after. Median of BENCH_STARTUP_RUNS (default 5) starts.
import { createBenchDatabases } from "./lib/databases";
import { startStack } from "./lib/services";

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function startup(): Promise<Record<string, { readyMs: number; rssMiB: number }>> {
  const dbs = await createBenchDatabases("startup");
  const samples: Record<string, { ready: number[]; rss: number[] }> = {
    item: { ready: [], rss: [] },
    gacha: { ready: [], rss: [] },
    gateway: { ready: [], rss: [] },
  };
  try {
    for (let i = 0; i < RUNS; i++) {
      // Each service started in turn, its upstreams already running (as in a rolling deploy).
      const stack = await startStack(dbs);
      for (const s of [stack.item, stack.gacha, stack.gateway]) {
        samples[s.name]!.ready.push(s.readyMs);
        samples[s.name]!.rss.push(s.rssMiB());
      }
      await stack.stop();
    }
  } finally {
    await dbs.drop();
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [name, { readyMs: median(s.ready), rssMiB: median(s.rss) }]),
  );
}

if (require.main === module) {
  startup()
    .then((rows) => {
      console.log(`\ncold start, median of ${RUNS} (spawn → ready), RSS when ready`);
      console.log("service | ready ms | RSS MiB");
      for (const [name, r] of Object.entries(rows))
        console.log(`${name.padEnd(7)} | ${String(r.readyMs).padStart(8)} | ${r.rssMiB}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
