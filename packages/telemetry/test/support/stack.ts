// The three services as real processes (node + tsx, as `npm run dev` runs them), each with its
// own telemetry, on fresh databases. Output is captured line by line for the log assertions.
import path from "node:path";
import { createTestDatabase, startTcpForwarder, type TestDatabase } from "@gacha/testing";
import { reportedPort, sleep, spawnService, type ServiceProcess } from "../../../../test/faults/support";
import { startAuthService, tokenForUserId, type AuthService } from "../../../../services/auth/test/support";

export { sleep };

const repo = path.resolve(__dirname, "../../../..");
const entry = (service: string) => path.join(repo, "services", service, "src", "main.ts");

/** Every service listens on port 0 and reports the port it got; gacha and item are reached through addresses the stack holds. */
export interface Ports {
  gateway: number;
  gacha: number;
  item: number;
  gatewayMetrics: number;
  gachaMetrics: number;
  itemMetrics: number;
}

export interface TelemetryStack {
  ports: Ports;
  gachaDb: TestDatabase;
  itemDb: TestDatabase;
  processes: Partial<Record<"gateway" | "gacha" | "item", ServiceProcess>>;
  /** Starts item (again) on its port, e.g. after a test kept it down. */
  startItem(): Promise<void>;
  /** The JSON log lines a service has written so far. */
  logs(service: "gateway" | "gacha" | "item"): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface StackOptions {
  prefix: string;
  /** Environment every service gets (OTEL_*), and per-service overrides. */
  env?: Record<string, string>;
  perService?: Partial<Record<"gateway" | "gacha" | "item", Record<string, string>>>;
  /** Leave item down at start (the outbox keeps the grants). */
  itemDown?: boolean;
}

export async function startTelemetryStack(o: StackOptions): Promise<TelemetryStack> {
  const [gachaDb, itemDb, auth] = await Promise.all([
    createTestDatabase(`${o.prefix}_g`, "gacha"),
    createTestDatabase(`${o.prefix}_i`, "item"),
    // In process (not traced): it issues the tokens draw() sends and serves the gateway its JWKS.
    startAuthService(),
  ]);
  signedInAt = auth;
  // gacha and gateway need their upstreams' addresses before those have started (item
  // may even stay down): forwarders held for the stack's life, pointed at each once it listens.
  const [itemAddress, gachaAddress] = await Promise.all([startTcpForwarder(undefined), startTcpForwarder(undefined)]);
  const ports: Ports = {
    gateway: 0,
    gacha: gachaAddress.port,
    item: itemAddress.port,
    gatewayMetrics: 0,
    gachaMetrics: 0,
    itemMetrics: 0,
  };
  const common = {
    LOG_FORMAT: "json",
    LOG_LEVEL: "debug",
    GRPC_HOST: "127.0.0.1",
    SHUTDOWN_TIMEOUT_MS: "3000",
    // Export spans within a moment instead of every 5 s.
    OTEL_BSP_SCHEDULE_DELAY: "100",
    ...o.env,
  };
  const processes: TelemetryStack["processes"] = {};
  const start = (service: "gateway" | "gacha" | "item", env: Record<string, string>) => {
    const p = spawnService(entry(service), { ...common, ...env, ...o.perService?.[service] });
    processes[service] = p;
    return p;
  };
  const startGrpc = async (service: "gacha" | "item", env: Record<string, string>) => {
    const p = start(service, { ...env, METRICS_PORT: "0" });
    (service === "gacha" ? gachaAddress : itemAddress).forwardTo(
      await reportedPort(p, "gRPC server listening", 60_000),
    );
    ports[`${service}Metrics`] = await reportedPort(p, "metrics at /metrics", 60_000);
  };
  const startItem = () => startGrpc("item", { ITEM_DATABASE_URL: itemDb.url, ITEM_GRPC_PORT: "0" });
  await Promise.all([
    o.itemDown ? Promise.resolve() : startItem(),
    startGrpc("gacha", {
      GACHA_DATABASE_URL: gachaDb.url,
      GACHA_GRPC_PORT: "0",
      ITEM_SERVICE_ADDR: `127.0.0.1:${ports.item}`,
      RELAY_INTERVAL_MS: "200",
      GRANT_DEADLINE_MS: "1000",
    }),
    (async () => {
      const p = start("gateway", {
        HOST: "127.0.0.1",
        PORT: "0",
        GACHA_SERVICE_ADDR: `127.0.0.1:${ports.gacha}`,
        ITEM_SERVICE_ADDR: `127.0.0.1:${ports.item}`,
        AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`,
      });
      ports.gateway = ports.gatewayMetrics = await reportedPort(p, "gateway listening", 60_000);
    })(),
  ]);
  const logs = (service: "gateway" | "gacha" | "item") =>
    (processes[service]?.output() ?? "")
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    ports,
    gachaDb,
    itemDb,
    processes,
    startItem,
    logs,
    async close() {
      await Promise.all(
        Object.values(processes).map(async (p) => {
          // SIGTERM flushes the spans still buffered; a process that hangs is killed after 10 s.
          const kill = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
          if (p.child.exitCode === null) p.child.kill("SIGTERM");
          await p.exited;
          clearTimeout(kill);
        }),
      );
      await Promise.all([itemAddress.close(), gachaAddress.close()]);
      await Promise.all([gachaDb.drop(), itemDb.drop(), auth.close()]);
      tokens.clear();
    },
  };
}

// The auth service of the running stack, and a token per user id signed in there.
let signedInAt: AuthService | undefined;
const tokens = new Map<number, Promise<string>>();
function bearerFor(userId: number): Promise<string> {
  if (!signedInAt) throw new Error("startTelemetryStack first");
  const auth = signedInAt;
  if (!tokens.has(userId)) tokens.set(userId, tokenForUserId(auth, userId));
  return tokens.get(userId)!.then((token) => `Bearer ${token}`);
}

/** Waits (bounded) until check() returns (or resolves to) something truthy; returns it. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** POST /draw on the gateway, with a deadline, signed in as userId (as user 1 for an invalid id: a 400 case). */
export async function draw(port: number, userId: number, count: number, headers: Record<string, string> = {}) {
  const authorization = await bearerFor(userId >= 1 ? userId : 1);
  const res = await fetch(`http://127.0.0.1:${port}/draw`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization, ...headers },
    body: JSON.stringify({ user_id: userId, count }),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { draw_id?: string; items?: Array<{ rarity: string }> },
  };
}

/** A random W3C trace id / span id (hex). */
export const randomHex = (bytes: number) =>
  Array.from({ length: bytes }, () =>
    Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, "0"),
  ).join("");
