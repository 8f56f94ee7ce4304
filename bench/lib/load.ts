// A closed-loop load generator: `concurrency` workers each send one request
// after the other for a fixed time; latencies are recorded after a warm-up.

export interface LoadResult {
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runLoad(opts: {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** One operation; resolves true on success. `worker` is 0..concurrency-1. */
  op: (worker: number, i: number) => Promise<boolean>;
}): Promise<LoadResult> {
  const warmEnd = Date.now() + opts.warmupMs;
  const end = warmEnd + opts.durationMs;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  const worker = async (w: number) => {
    // Bounded by time and by count.
    for (let i = 0; i < 10_000_000 && Date.now() < end; i++) {
      const t0 = process.hrtime.bigint();
      let success: boolean;
      try {
        success = await opts.op(w, i);
      } catch {
        success = false;
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (Date.now() <= warmEnd) continue;
      if (success) {
        ok++;
        latencies.push(ms);
      } else errors++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  latencies.sort((a, b) => a - b);
  const seconds = opts.durationMs / 1000;
  return {
    concurrency: opts.concurrency,
    seconds,
    ok,
    errors,
    perSecond: Math.round(ok / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Benchmark settings from the environment, so a quick run is `BENCH_SECONDS=3 npm run bench`. */
export const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  concurrencies: (process.env.BENCH_CONCURRENCY ?? "1,16,64").split(",").map(Number),
};

export function printTable(title: string, rows: LoadResult[]): void {
  console.log(`\n${title}`);
  console.log("concurrency | per second | p50 ms | p99 ms | errors");
  for (const r of rows)
    console.log(
      `${String(r.concurrency).padStart(11)} | ${String(r.perSecond).padStart(10)} | ${String(r.p50Ms).padStart(6)} | ${String(r.p99Ms).padStart(6)} | ${r.errors}`,
    );
}
