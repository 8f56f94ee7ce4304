// What tracing costs the draw path (issue 10's goal: at most 10 % fewer draws/s at
// concurrency 16 with tracing on). Alternating runs of the draw benchmark (bench/
// draw-throughput.ts, compiled services, fresh databases per run): tracing off (no OTEL_*,
// the default) and tracing on, every span exported over OTLP http/protobuf to a local sink
// that answers like a collector and counts what it gets. Prints draws/s, p50 and the CPU
// of the three services per draw, per run and as medians.
//   npm run bench:tracing          BENCH_PAIRS (default 3), BENCH_CONCURRENCY (default 16),
//                                  BENCH_TRACING_ENV="K=V K2=V2" extra env for the "on" runs
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { drawThroughput } from "./draw-throughput";
import { settings } from "./lib/load";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function startSink() {
  const got = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on("data", (c: Buffer) => (got.bytes += c.length));
    req.on("end", () => {
      got.requests++;
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

interface Run {
  mode: "off" | "on";
  load: string;
  perSecond: number;
  p50: number;
  cpuMsPerDraw: number;
  exportedKiBPerDraw?: number;
}

async function main(): Promise<void> {
  const sink = await startSink();
  const onEnv: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    ...Object.fromEntries(
      (process.env.BENCH_TRACING_ENV ?? "")
        .split(" ")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    ),
  };
  const runs: Run[] = [];
  try {
    for (let pair = 0; pair < PAIRS; pair++) {
      for (const mode of ["off", "on"] as const) {
        const load = os
          .loadavg()
          .map((l) => l.toFixed(1))
          .join(" ");
        const bytesBefore = sink.got.bytes;
        const { results, cpuMsPerDraw } = await drawThroughput([CONCURRENCY], mode === "on" ? onEnv : {});
        const r = results[0]!;
        const cpu = Object.values(cpuMsPerDraw[0]!).reduce((a, b) => a + b, 0);
        const draws = r.ok * (1 + settings.warmupSeconds / settings.seconds);
        runs.push({
          mode,
          load,
          perSecond: r.perSecond,
          p50: r.p50Ms,
          cpuMsPerDraw: cpu,
          exportedKiBPerDraw: mode === "on" ? (sink.got.bytes - bytesBefore) / 1024 / draws : undefined,
        });
        const last = runs.at(-1)!;
        console.log(
          `pair ${pair + 1} tracing ${mode.padEnd(3)} | load ${load} | ${last.perSecond.toFixed(0)} draws/s | p50 ${last.p50.toFixed(1)} ms | ` +
            `CPU ${last.cpuMsPerDraw.toFixed(2)} ms/draw${last.exportedKiBPerDraw !== undefined ? ` | exported ${last.exportedKiBPerDraw.toFixed(2)} KiB/draw` : ""}`,
        );
      }
    }
  } finally {
    sink.close();
  }
  const of = (mode: Run["mode"], key: "perSecond" | "p50" | "cpuMsPerDraw") =>
    median(runs.filter((r) => r.mode === mode).map((r) => r[key]));
  const off = of("off", "perSecond");
  const on = of("on", "perSecond");
  console.log(
    `\nmedians at concurrency ${CONCURRENCY} (${PAIRS} pairs, ${settings.seconds} s after ${settings.warmupSeconds} s warm-up):` +
      `\n  off: ${off.toFixed(0)} draws/s, p50 ${of("off", "p50").toFixed(1)} ms, CPU ${of("off", "cpuMsPerDraw").toFixed(2)} ms/draw` +
      `\n  on:  ${on.toFixed(0)} draws/s, p50 ${of("on", "p50").toFixed(1)} ms, CPU ${of("on", "cpuMsPerDraw").toFixed(2)} ms/draw` +
      `\n  tracing on: ${(((on - off) / off) * 100).toFixed(1)} % draws/s (goal: no worse than -10 %); ` +
      `sink got ${sink.got.requests} export requests`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
