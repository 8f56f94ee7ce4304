// `npm run bench`: cold start, the database floor, then draws through the
// gateway, printed one after the other (see docs/benchmarks.md).
import { drawThroughput } from "./draw-throughput";
import { dbFloor } from "./db-floor";
import { printTable, settings } from "./lib/load";
import { startup } from "./startup";

async function main(): Promise<void> {
  const cold = await startup();
  console.log("\ncold start (median), spawn → ready; RSS when ready");
  for (const [name, r] of Object.entries(cold)) console.log(`${name.padEnd(7)} | ${r.readyMs} ms | ${r.rssMiB} MiB`);
  const floor = await dbFloor();
  printTable(`database floor, ${settings.seconds} s each`, floor);
  const { results, rss } = await drawThroughput();
  printTable(
    `draws through the gateway, ${settings.seconds} s each after ${settings.warmupSeconds} s warm-up`,
    results,
  );
  console.log("RSS MiB (idle after start, then after each concurrency level):", JSON.stringify(rss));
  const at16 = (rows: typeof floor) => rows.find((r) => r.concurrency === 16)?.perSecond;
  const f = at16(floor);
  const d = at16(results);
  if (f && d) console.log(`\nratio at concurrency 16: ${(d / f).toFixed(2)} of the floor (goal ≥ 0.5)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
