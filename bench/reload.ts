// `npm run bench:reload`: hot-reload latency, from writing a changed .ts file to
// the first response carrying the new behaviour, per service.
//  - container: the dev images (real Dockerfiles) on podman, run as the dev
//    overlay says; the file is written as skaffold's sync does (a tar stream
//    extracted by `tar xmf - -C / --no-same-owner` as the container user).
//  - host: `npm run dev` (as scripts/e2e-local.sh starts it), the file written
//    in place in the working tree and restored afterwards (also on failure).
// Probes poll every 20 ms (HTTP /healthz for the gateway, a gRPC call answered
// by the edited validation message for gacha and item). Also reads nodemon's
// and the service's log lines to split the time (see docs/hot-reload.md).
// The container rows also get the total a user waits with skaffold: its watch quiet
// period (--watch-poll-interval, from skaffold.env; Skaffold's default 1000 ms if
// absent) + the sync and restart measured here.
// - cluster (RELOAD_WHERE=cluster; bench/reload-cluster.ts): the real `skaffold dev` on a
//    real cluster (the kube-context in the environment), Skaffold's quiet period, sync
//    (kubectl exec) and port-forward included.
// After the rows it prints each row's ratio to the service's compiled cold start
// (bench:startup, measured in the same run; RELOAD_RATIO=0 skips it).
// Env: RELOAD_EDITS (default 10), RELOAD_WHERE=container,host,cluster (default container,host),
// RELOAD_SERVICE_ENV="K=V K2=V2" overrides the services' env in both (experiments,
// e.g. LOG_FORMAT=json), RELOAD_NODEMON_EXEC="<cmd>" replaces nodemon.json's exec
// in the containers (before/after comparisons), RELOAD_NODEMON_ARGS="--delay 0" adds
// nodemon flags in the containers, RELOAD_JSON=<file> writes the samples.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EDITS, waitForMarker } from "../test/container/support/edits";
import {
  ALL_SERVICES,
  buildMariadbImage,
  buildServiceImage,
  imageInfo,
  imageName,
  podmanRaw,
  repoRoot,
  SERVICES,
  sleep,
  waitFor,
  type Service,
} from "../test/container/support/podman";
import { syncDestination, syncInto } from "../test/container/support/sync";
import { startDevSystem } from "../test/container/support/system";
import { createBenchDatabases } from "./lib/databases";
import { restartPhases } from "./lib/restart-phases";
import { benchCluster } from "./reload-cluster";
import { startup } from "./startup";

const N = Number(process.env.RELOAD_EDITS ?? 10);
const WHERE = (process.env.RELOAD_WHERE ?? "container,host").split(",");
const TIMEOUT_MS = 30_000;
const SERVICE_ENV = Object.fromEntries(
  (process.env.RELOAD_SERVICE_ENV ?? "")
    .split(" ")
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);

/** Skaffold's default --watch-poll-interval (cmd/skaffold/app/cmd/flags.go, flagRegistry). */
const SKAFFOLD_DEFAULT_INTERVAL_MS = 1000;

/**
 * The quiet period skaffold dev waits after the last file event before it syncs, as it
 * would be set for a `skaffold dev` run from the repo root: the shell's
 * SKAFFOLD_WATCH_POLL_INTERVAL wins over skaffold.env (godotenv does not override).
 */
function watchInterval(): { ms: number; source: string } {
  const fromShell = process.env.SKAFFOLD_WATCH_POLL_INTERVAL;
  if (fromShell) return { ms: Number(fromShell), source: "SKAFFOLD_WATCH_POLL_INTERVAL in the environment" };
  const file = path.join(repoRoot, "skaffold.env");
  const line = fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .split(/\r?\n/)
        .map((l) => /^\s*SKAFFOLD_WATCH_POLL_INTERVAL\s*=\s*"?(\d+)"?\s*$/.exec(l))
        .find(Boolean)
    : undefined;
  if (line) return { ms: Number(line[1]), source: "skaffold.env" };
  return {
    ms: SKAFFOLD_DEFAULT_INTERVAL_MS,
    source: "Skaffold's default: no SKAFFOLD_WATCH_POLL_INTERVAL in skaffold.env",
  };
}

interface Sample {
  total: number;
  /** podman exec + tar (container) or writeFile (host) */
  write: number;
  /** (cluster) from t0 to Skaffold's "Syncing N files" line */
  sync?: number;
  /** from t0 to nodemon's "restarting due to changes" line */
  detect?: number;
  /** from t0 to the new process's "listening" line */
  listening?: number;
}
interface Row {
  service: Service;
  where: "container" | "host" | "cluster";
  samples: Sample[];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

/** Timestamps (ms) of log lines after `sinceMs`, from `podman logs -t` (conmon stamps each line). */
async function containerLogLines(container: string, sinceMs: number): Promise<{ t: number; line: string }[]> {
  const r = await podmanRaw(["logs", "-t", "--since", new Date(sinceMs - 1000).toISOString(), container], {
    timeoutMs: 10_000,
  });
  return `${r.stdout}${r.stderr}`
    .split("\n")
    .map((l) => {
      const m = /^(\S+)\s(.*)$/.exec(l);
      return m ? { t: Date.parse(m[1]!), line: m[2]! } : undefined;
    })
    .filter((x): x is { t: number; line: string } => !!x && x.t >= sinceMs - 5);
}

async function benchContainer(): Promise<Row[]> {
  // the local stand-ins of the Dockerfiles' base images, as scripts/test-containers.sh does (no-op when present)
  console.error("bench:reload: base images (scripts/containers/base-images.sh; ~1 min once per machine)");
  execFileSync("bash", ["scripts/containers/base-images.sh"], {
    cwd: repoRoot,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 900_000,
  });
  console.error("bench:reload: building the dev images (cached after the first run)");
  await buildMariadbImage();
  // auth too: the dev system starts it (the gateway verifies tokens against its JWKS)
  for (const svc of ALL_SERVICES) await buildServiceImage(svc, "dev");
  const exec = process.env.RELOAD_NODEMON_EXEC;
  const extraArgs = (process.env.RELOAD_NODEMON_ARGS ?? "").split(" ").filter(Boolean);
  const args = exec || extraArgs.length ? ["nodemon", ...extraArgs, ...(exec ? ["--exec", exec] : [])] : undefined;
  const system = await startDevSystem("dev", SERVICE_ENV, args);
  const rows: Row[] = [];
  const onSignal = () => void system.scope.cleanup().finally(() => process.exit(130));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    for (const svc of SERVICES) {
      const edit = EDITS[svc];
      const { user, workdir } = await imageInfo(imageName(svc, "dev"));
      const dest = syncDestination(svc, edit.file, workdir);
      if (!dest) throw new Error(`${edit.file} matches no sync rule of ${svc}`);
      const ctr = system.containers[svc];
      const original = (await podmanRaw(["exec", ctr, "cat", dest], { timeoutMs: 10_000 })).stdout;
      const samples: Sample[] = [];
      try {
        for (let i = 0; i < N; i++) {
          const marker = `b${i}x${Date.now().toString(36)}`;
          const t0 = Date.now();
          const write = await syncInto(ctr, user, [{ dest, content: edit.apply(original, marker) }]);
          const total = await waitForMarker(edit, system.addr[svc], marker, t0, TIMEOUT_MS);
          await sleep(300); // let the log lines land
          samples.push({ total, write, ...restartPhases(await containerLogLines(ctr, t0), t0) });
        }
      } finally {
        await syncInto(ctr, user, [{ dest, content: original }]);
        await waitForMarker(edit, system.addr[svc], "", Date.now(), TIMEOUT_MS);
      }
      rows.push({ service: svc, where: "container", samples });
    }
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await system.scope.cleanup();
  }
  return rows;
}

// ---- host: npm run dev ---------------------------------------------------------

const HOST_PORTS = { gateway: 18_180, gacha: 15_151, item: 15_152 };
const hostEnv = {
  PORT: String(HOST_PORTS.gateway),
  HOST: "127.0.0.1",
  GRPC_HOST: "127.0.0.1",
  GACHA_GRPC_PORT: String(HOST_PORTS.gacha),
  ITEM_GRPC_PORT: String(HOST_PORTS.item),
  GACHA_SERVICE_ADDR: `127.0.0.1:${HOST_PORTS.gacha}`,
  ITEM_SERVICE_ADDR: `127.0.0.1:${HOST_PORTS.item}`,
  LOG_FORMAT: "json",
};

/** Writes `file` in place and guarantees the original comes back (unless someone else changed the file meanwhile). */
class InPlaceEdit {
  private written: string | undefined;
  constructor(
    readonly file: string,
    readonly original: string,
  ) {}
  write(content: string) {
    fs.writeFileSync(path.join(repoRoot, this.file), content);
    this.written = content;
  }
  restore() {
    if (this.written === undefined) return;
    const abs = path.join(repoRoot, this.file);
    const now = fs.readFileSync(abs, "utf8");
    if (now === this.written) fs.writeFileSync(abs, this.original);
    else if (now !== this.original)
      console.error(`bench:reload: ${this.file} was changed by someone else meanwhile; left as is`);
    this.written = undefined;
  }
}

async function benchHost(): Promise<Row[]> {
  for (const [svc, port] of Object.entries(HOST_PORTS)) {
    const busy =
      svc === "gateway"
        ? await fetch(`http://127.0.0.1:${port}/healthz`).then(
            () => true,
            () => false,
          )
        : false;
    if (busy) throw new Error(`127.0.0.1:${port} is in use; stop what listens there`);
  }
  // own databases (created and migrated on BENCH_DATABASE_URL's server, dropped at the end),
  // so a bench never touches the ones `npm run dev` uses
  const dbs = await createBenchDatabases("reload");
  const env = {
    ...process.env,
    ...hostEnv,
    GACHA_DATABASE_URL: dbs.gachaUrl,
    ITEM_DATABASE_URL: dbs.itemUrl,
    AUTH_DATABASE_URL: dbs.authUrl,
    ...SERVICE_ENV,
  };
  const lines: { t: number; line: string }[] = [];
  // its own process group (setsid), so the whole tree (concurrently, nodemon, tsx) stops together
  const dev: ChildProcess = spawn("setsid", ["node", "scripts/dev.js"], {
    cwd: repoRoot,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const onData = (chunk: Buffer) => {
    const t = Date.now();
    for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push({ t, line });
  };
  dev.stdout!.on("data", onData);
  dev.stderr!.on("data", onData);
  const edits: InPlaceEdit[] = [];
  const restoreAll = () => edits.forEach((e) => e.restore());
  const onSignal = () => {
    restoreAll();
    process.exit(130);
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  process.once("exit", restoreAll);
  const rows: Row[] = [];
  try {
    await waitFor(
      "npm run dev: gateway /readyz 200",
      async () =>
        (await fetch(`http://127.0.0.1:${HOST_PORTS.gateway}/readyz`, { signal: AbortSignal.timeout(1_000) }))
          .status === 200,
      90_000,
      250,
    );
    for (const svc of SERVICES) {
      const edit = EDITS[svc];
      const addr = `127.0.0.1:${HOST_PORTS[svc]}`;
      const ed = new InPlaceEdit(edit.file, fs.readFileSync(path.join(repoRoot, edit.file), "utf8"));
      edits.push(ed);
      const samples: Sample[] = [];
      try {
        for (let i = 0; i < N; i++) {
          const marker = `h${i}x${Date.now().toString(36)}`;
          const t0 = Date.now();
          ed.write(edit.apply(ed.original, marker));
          const write = Date.now() - t0;
          const total = await waitForMarker(edit, addr, marker, t0, TIMEOUT_MS);
          await sleep(300);
          const own = lines.filter((l) => l.t >= t0 && l.line.startsWith(`[${svc}]`));
          samples.push({ total, write, ...restartPhases(own, t0) });
        }
      } finally {
        ed.restore();
        await waitForMarker(edit, addr, "", Date.now(), TIMEOUT_MS).catch((e: Error) => console.error(e.message));
      }
      rows.push({ service: svc, where: "host", samples });
    }
  } finally {
    restoreAll();
    if (dev.pid) {
      try {
        process.kill(-dev.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
      for (let i = 0; i < 50 && dev.exitCode === null; i++) await sleep(200);
      try {
        process.kill(-dev.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    await dbs.drop();
  }
  return rows;
}

function printRows(rows: Row[], intervalMs: number): void {
  const f = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : "-");
  const head = [
    "service",
    "where",
    "n",
    "sync+restart p50",
    "p95",
    "min",
    "max",
    "+ interval p50",
    "p95",
    "write p50",
    "skaffold syncs p50",
    "nodemon sees it p50",
    "listening p50",
  ];
  const body = rows.map((r) => {
    const tot = r.samples.map((s) => s.total);
    const of = (k: keyof Sample) =>
      pct(
        r.samples.map((s) => s[k]).filter((x): x is number => x !== undefined),
        50,
      );
    // the host loop (npm run dev) has no skaffold in front of it; the cluster rows are real
    // skaffold dev, its quiet period already inside the measured number
    const withInterval = (p: number) =>
      r.where === "container" ? f(intervalMs + pct(tot, p)) : r.where === "cluster" ? f(pct(tot, p)) : "-";
    return [
      r.service,
      r.where,
      String(tot.length),
      f(pct(tot, 50)),
      f(pct(tot, 95)),
      f(Math.min(...tot)),
      f(Math.max(...tot)),
      withInterval(50),
      withInterval(95),
      f(of("write")),
      f(of("sync")),
      f(of("detect")),
      f(of("listening")),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(head));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const b of body) console.log(line(b));
}

/**
 * Each service's save -> served p50 (with the quiet period where skaffold is in front) over
 * its compiled cold start (bench:startup, measured now): the floor of any restart-based
 * reload, so the ratio compares machines that differ 2-3x in speed. Goal: <= 2.0.
 */
async function printRatios(rows: Row[], intervalMs: number): Promise<void> {
  if (process.env.RELOAD_RATIO === "0" || !rows.some((r) => r.where !== "host")) return;
  console.error("bench:reload: compiled cold start of each service (bench:startup, for the ratios)");
  const cold = await startup();
  console.log("\nratio of save -> served (p50) to the compiled cold start (goal <= 2.0):");
  console.log("| service | where | save -> served p50 | cold start | ratio |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    if (r.where === "host") continue;
    const p50 =
      pct(
        r.samples.map((s) => s.total),
        50,
      ) + (r.where === "container" ? intervalMs : 0);
    const c = cold[r.service]!.readyMs;
    console.log(`| ${r.service} | ${r.where} | ${Math.round(p50)} ms | ${c} ms | ${(p50 / c).toFixed(1)}x |`);
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  if (WHERE.includes("container")) rows.push(...(await benchContainer()));
  if (WHERE.includes("host")) rows.push(...(await benchHost()));
  if (WHERE.includes("cluster"))
    rows.push(...(await benchCluster(N)).map((r) => ({ ...r, where: "cluster" as const })));
  const interval = watchInterval();
  console.log(
    `\nhot reload: write of a changed .ts file -> first response with the new behaviour (${N} edits per service; ` +
      `${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")})` +
      `${process.env.RELOAD_NODEMON_EXEC ? `; container exec: ${process.env.RELOAD_NODEMON_EXEC}` : ""}` +
      `${process.env.RELOAD_NODEMON_ARGS ? `; nodemon ${process.env.RELOAD_NODEMON_ARGS}` : ""}${process.env.RELOAD_SERVICE_ENV ? `; env ${process.env.RELOAD_SERVICE_ENV}` : ""}\n` +
      `skaffold's watch interval (quiet period before it syncs): ${interval.ms} ms (${interval.source}); ` +
      `"+ interval" = that + sync+restart (container rows; sync here is podman exec, skaffold's is kubectl exec)\n`,
  );
  printRows(rows, interval.ms);
  await printRatios(rows, interval.ms);
  if (process.env.RELOAD_JSON) fs.writeFileSync(process.env.RELOAD_JSON, JSON.stringify(rows, null, 2));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
