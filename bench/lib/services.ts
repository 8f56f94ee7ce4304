// The three services as separate processes from compiled JS (npm run build),
// as in the prod image: spawn, wait until ready, read their memory, stop.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

const repoRoot = path.resolve(__dirname, "../..");
export type ServiceName = "item" | "gacha" | "gateway";

export interface RunningService {
  name: ServiceName;
  child: ChildProcess;
  /** Spawn → gRPC health SERVING (gateway: GET /readyz 200). */
  readyMs: number;
  rssMiB(): number;
  /** CPU time (user + system) used so far, in ms. */
  cpuMs(): number;
  stop(): Promise<number | null>;
}

const HealthClient = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");

function grpcServing(addr: string): Promise<boolean> {
  const client = new HealthClient(addr, credentials.createInsecure());
  return new Promise((resolve) => {
    (
      client as unknown as {
        Check: (req: object, opts: object, cb: (err: unknown, res: { status: string }) => void) => void;
      }
    ).Check({ service: "" }, { deadline: Date.now() + 500 }, (err: unknown, res: { status: string }) => {
      client.close();
      resolve(!err && res.status === "SERVING");
    });
  });
}

function httpReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/readyz", timeout: 500, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

export function cpuMs(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised name): utime, stime in clock ticks (100/s).
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return NaN; // the process has gone
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The local MariaDB server's pid, when it runs on this machine (for its CPU time). */
export function mariadbPid(): number | undefined {
  try {
    // The oldest one: throwaway test servers may come and go beside it.
    const out = execFileSync("pgrep", ["-o", "-x", "mariadbd"], { encoding: "utf8" }).trim();
    return out ? Number(out) : undefined;
  } catch {
    return undefined;
  }
}

export async function startService(
  name: ServiceName,
  env: Record<string, string>,
  ready: { grpcAddr: string } | { httpPort: number },
  nodeArgs: string[] = [],
): Promise<RunningService> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, path.join(repoRoot, `services/${name}/dist/main.js`)], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", LOG_FORMAT: "json", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`${name} not ready after 30 s`);
    const ok = "grpcAddr" in ready ? await grpcServing(ready.grpcAddr) : await httpReady(ready.httpPort);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const readyMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  return {
    name,
    child,
    readyMs,
    rssMiB: () => rssMiB(child.pid!),
    cpuMs: () => cpuMs(child.pid!),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface Stack {
  item: RunningService;
  gacha: RunningService;
  gateway: RunningService;
  gatewayPort: number;
  stop(): Promise<void>;
}

/** item, then gacha, then the gateway (its readiness checks both), on fixed local ports. */
export async function startStack(
  dbs: { gachaUrl: string; itemUrl: string },
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Stack> {
  const ports = { item: 41052, gacha: 41051, gateway: 41080 };
  const common = { GRPC_HOST: "127.0.0.1", ...extraEnv };
  const item = await startService(
    "item",
    { ...common, ITEM_DATABASE_URL: dbs.itemUrl, ITEM_GRPC_PORT: String(ports.item) },
    { grpcAddr: `127.0.0.1:${ports.item}` },
    nodeArgs,
  );
  const gacha = await startService(
    "gacha",
    {
      ...common,
      GACHA_DATABASE_URL: dbs.gachaUrl,
      GACHA_GRPC_PORT: String(ports.gacha),
      ITEM_SERVICE_ADDR: `127.0.0.1:${ports.item}`,
    },
    { grpcAddr: `127.0.0.1:${ports.gacha}` },
    nodeArgs,
  );
  const gateway = await startService(
    "gateway",
    {
      ...common,
      HOST: "127.0.0.1",
      PORT: String(ports.gateway),
      GACHA_SERVICE_ADDR: `127.0.0.1:${ports.gacha}`,
      ITEM_SERVICE_ADDR: `127.0.0.1:${ports.item}`,
    },
    { httpPort: ports.gateway },
    nodeArgs,
  );
  return {
    item,
    gacha,
    gateway,
    gatewayPort: ports.gateway,
    stop: async () => {
      await gateway.stop();
      await gacha.stop();
      await item.stop();
    },
  };
}
