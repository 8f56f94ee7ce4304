// The four services as separate processes from compiled JS (npm run build),
// as in the prod image: spawn, wait until ready, read their memory, stop.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import http from "node:http";
import path from "node:path";
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

const repoRoot = path.resolve(__dirname, "../..");
export type ServiceName = "item" | "gacha" | "gateway" | "auth";

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
    if (Date.now() > deadline) {
      // not left running (it holds the caller's stdout) when the benchmark gives up
      child.kill("SIGKILL");
      throw new Error(`${name} not ready after 30 s`);
    }
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
  auth: RunningService;
  gatewayPort: number;
  /** Signs up and signs in a new user at the auth service: their id and "Bearer <token>". */
  signIn(): Promise<{ userId: number; bearer: string }>;
  stop(): Promise<void>;
}

/** auth, item, then gacha, then the gateway (its readiness checks both), on fixed local ports. */
export async function startStack(
  dbs: { gachaUrl: string; itemUrl: string; authUrl: string },
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Stack> {
  const ports = { item: 41052, gacha: 41051, gateway: 41080, auth: 41081 };
  const common = { GRPC_HOST: "127.0.0.1", ...extraEnv };
  // A signing key for this run only.
  const keyDir = mkdtempSync(path.join(tmpdir(), "bench-auth-"));
  const keyFile = path.join(keyDir, "signing-key.pem");
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const started: RunningService[] = [];
  // every service started so far stops if a later one cannot start (none is left holding a port)
  const start = async (...args: Parameters<typeof startService>) => {
    const svc = await startService(...args);
    started.push(svc);
    return svc;
  };
  try {
    const auth = await start(
      "auth",
      {
        ...common,
        HOST: "127.0.0.1",
        AUTH_PORT: String(ports.auth),
        AUTH_DATABASE_URL: dbs.authUrl,
        AUTH_SIGNING_KEY_FILE: keyFile,
      },
      { httpPort: ports.auth },
      nodeArgs,
    );
    const item = await start(
      "item",
      { ...common, ITEM_DATABASE_URL: dbs.itemUrl, ITEM_GRPC_PORT: String(ports.item) },
      { grpcAddr: `127.0.0.1:${ports.item}` },
      nodeArgs,
    );
    const gacha = await start(
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
    const gateway = await start(
      "gateway",
      {
        ...common,
        HOST: "127.0.0.1",
        PORT: String(ports.gateway),
        GACHA_SERVICE_ADDR: `127.0.0.1:${ports.gacha}`,
        ITEM_SERVICE_ADDR: `127.0.0.1:${ports.item}`,
        AUTH_JWKS_URL: `http://127.0.0.1:${ports.auth}/.well-known/jwks.json`,
      },
      { httpPort: ports.gateway },
      nodeArgs,
    );
    return {
      item,
      gacha,
      gateway,
      auth,
      gatewayPort: ports.gateway,
      signIn: () => signIn(ports.auth),
      stop: async () => {
        await gateway.stop();
        await gacha.stop();
        await item.stop();
        await auth.stop();
        rmSync(keyDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    for (const svc of started.reverse()) await svc.stop();
    rmSync(keyDir, { recursive: true, force: true });
    throw err;
  }
}

async function signIn(authPort: number): Promise<{ userId: number; bearer: string }> {
  const body = JSON.stringify({ username: `bench_${randomBytes(6).toString("hex")}`, password: "bench password 123" });
  const post = (route: string) =>
    fetch(`http://127.0.0.1:${authPort}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  const registered = await post("/auth/register");
  if (registered.status !== 201) throw new Error(`register: HTTP ${registered.status}`);
  const { user_id: userId } = (await registered.json()) as { user_id: number };
  const login = await post("/auth/login");
  if (login.status !== 200) throw new Error(`login: HTTP ${login.status}`);
  return { userId, bearer: `Bearer ${((await login.json()) as { access_token: string }).access_token}` };
}
