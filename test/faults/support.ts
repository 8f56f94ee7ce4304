// Helpers for the fault suites (not a suite): in-process services on fresh
// databases, a TCP proxy that can be cut, and the end-of-test invariant.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createLogger } from "@gacha/runtime";
import { createTestDatabase, startTcpForwarder, type TestDatabase } from "@gacha/testing";
import { createGachaApp, type GachaApp } from "../../services/gacha/src/app";
import { loadGachaConfig } from "../../services/gacha/src/config";
import { createItemApp, type ItemApp } from "../../services/item/src/app";
import { loadItemConfig } from "../../services/item/src/config";
import { createClients, type Clients } from "../../services/gateway/src/clients";
import { startAuthService, tokenForUserId, type AuthService } from "../../services/auth/test/support";
import { createTokenVerifier, type TokenVerifier } from "../../services/gateway/src/auth/token-verifier";
import { createServer } from "../../services/gateway/src/server";

export const logger = createLogger("faults", { level: process.env.TEST_LOG_LEVEL ?? "silent" });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createDatabases(prefix: string): Promise<{ gachaDb: TestDatabase; itemDb: TestDatabase }> {
  const [gachaDb, itemDb] = await Promise.all([
    createTestDatabase(`${prefix}_g`, "gacha"),
    createTestDatabase(`${prefix}_i`, "item"),
  ]);
  return { gachaDb, itemDb };
}

export function startItem(databaseUrl: string, port = 0): Promise<ItemApp> {
  return createItemApp(
    loadItemConfig({
      ITEM_DATABASE_URL: databaseUrl,
      GRPC_HOST: "127.0.0.1",
      ITEM_GRPC_PORT: String(port),
      SHUTDOWN_TIMEOUT_MS: "1000",
    }),
    logger,
  );
}

export function startGacha(databaseUrl: string, itemAddr: string, env: Record<string, string> = {}): Promise<GachaApp> {
  return createGachaApp(
    loadGachaConfig({
      GACHA_DATABASE_URL: databaseUrl,
      GRPC_HOST: "127.0.0.1",
      GACHA_GRPC_PORT: "0",
      ITEM_SERVICE_ADDR: itemAddr,
      SHUTDOWN_TIMEOUT_MS: "2000",
      RELAY_INTERVAL_MS: "100",
      ...env,
    }),
    logger,
  );
}

const count = async (db: TestDatabase, sql: string, params?: unknown[]) =>
  Number((await db.query<{ n: bigint }>(sql, params))[0]?.n ?? -1);

/** Waits (bounded) until no outbox row is pending; the relay delivers them on its own schedule. */
export async function waitForOutboxDrained(gachaDb: TestDatabase, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pending = await count(gachaDb, "SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL");
    if (pending === 0) return;
    if (Date.now() > until) throw new Error(`outbox still has ${pending} pending rows after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export interface InvariantReport {
  draws: number;
  histories: number;
  grants: number;
  users: number;
}

/**
 * The design's invariant, checked straight in both databases: every draw is
 * whole (count history and count outbox rows), the set of applied grants is
 * exactly the set of history rows (none lost, none doubled), and per user the
 * inventory sum equals the number of history rows.
 */
export async function expectInvariant(gachaDb: TestDatabase, itemDb: TestDatabase): Promise<InvariantReport> {
  const broken = await gachaDb.query<{ id: string }>(`
    SELECT d.id FROM draws d
    WHERE d.count <> (SELECT COUNT(*) FROM histories h WHERE h.draw_id = d.id)
       OR d.count <> (SELECT COUNT(*) FROM outbox o WHERE o.draw_id = d.id)`);
  expect(broken).toEqual([]);
  const histories = await gachaDb.query<{ k: string }>(
    "SELECT CONCAT(draw_id, '/', item_index) AS k FROM histories ORDER BY k",
  );
  const grants = await itemDb.query<{ k: string }>(
    "SELECT CONCAT(draw_id, '/', item_index) AS k FROM grants ORDER BY k",
  );
  expect(grants.map((g) => g.k)).toEqual(histories.map((h) => h.k));
  const perUserHistory = await gachaDb.query<{ user_id: bigint; n: bigint }>(
    "SELECT user_id, COUNT(*) AS n FROM histories GROUP BY user_id ORDER BY user_id",
  );
  const perUserInventory = await itemDb.query<{ user_id: bigint; n: bigint }>(
    "SELECT user_id, SUM(count) AS n FROM inventories GROUP BY user_id ORDER BY user_id",
  );
  const asMap = (rows: { user_id: bigint; n: bigint | string }[]) =>
    Object.fromEntries(rows.map((r) => [String(r.user_id), Number(r.n)]));
  expect(asMap(perUserInventory)).toEqual(asMap(perUserHistory));
  return {
    draws: await count(gachaDb, "SELECT COUNT(*) AS n FROM draws"),
    histories: histories.length,
    grants: grants.length,
    users: perUserHistory.length,
  };
}

/**
 * A TCP proxy to 127.0.0.1:targetPort that can be cut (every connection
 * destroyed, new ones closed at once) and restored. It keeps its port the
 * whole time: nothing else can take it between the cut and the restore.
 */
export interface TcpProxy {
  port: number;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** replyDelayMs holds every chunk from the target that long (order kept): a slow upstream. */
export async function startTcpProxy(targetPort: number, opts: { replyDelayMs?: number } = {}): Promise<TcpProxy> {
  const forwarder = await startTcpForwarder(targetPort, opts);
  return {
    port: forwarder.port,
    cut: async () => {
      forwarder.forwardTo(undefined);
      forwarder.cutConnections();
    },
    restore: async () => forwarder.forwardTo(targetPort),
    close: () => forwarder.close(),
  };
}

/** The real auth service (own database) and a gateway verifier pointed at its JWKS. */
export interface Auth {
  service: AuthService;
  verifier: TokenVerifier;
  /** "Bearer <token>" for that user id, signed in once per id. */
  bearerFor(userId: number): Promise<string>;
  /** Signs these users in ahead, so that bearer() can be used where a request is built synchronously. */
  signInAll(userIds: number[]): Promise<void>;
  /** The Authorization value of a user signInAll (or bearerFor) signed in. */
  bearer(userId: number): string;
  close(): Promise<void>;
}

export async function startAuth(): Promise<Auth> {
  const service = await startAuthService();
  const tokens = new Map<number, Promise<string>>();
  const ready = new Map<number, string>();
  const bearerFor = async (userId: number) => {
    if (!tokens.has(userId)) tokens.set(userId, tokenForUserId(service, userId));
    const bearer = `Bearer ${await tokens.get(userId)!}`;
    ready.set(userId, bearer);
    return bearer;
  };
  return {
    service,
    verifier: createTokenVerifier({
      jwksUrl: new URL("/.well-known/jwks.json", service.url),
      issuer: "gacha-auth",
      audience: "gacha-api",
      algorithm: "ES256",
      timeoutMs: 2_000,
      clockToleranceSeconds: 30,
    }),
    bearerFor,
    async signInAll(userIds) {
      for (const id of userIds) await bearerFor(id);
    },
    bearer(userId) {
      const bearer = ready.get(userId);
      if (!bearer) throw new Error(`user ${userId} was not signed in (signInAll)`);
      return bearer;
    },
    close: () => service.close(),
  };
}

/** The gateway app (for supertest) over these clients, verifying tokens against auth; 5 s deadline. */
export function gatewayApp(clients: Pick<Clients, "gacha" | "item">, auth: Auth): ReturnType<typeof createServer> {
  return createServer({ gacha: clients.gacha, item: clients.item, deadlineMs: 5_000, verifier: auth.verifier, logger });
}

/** item + gacha (in process, fresh databases) behind the gateway app, for supertest. */
export interface Stack {
  gachaDb: TestDatabase;
  itemDb: TestDatabase;
  gacha: GachaApp;
  auth: Auth;
  app: ReturnType<typeof createServer>;
  close(): Promise<void>;
}

export async function startStack(prefix: string): Promise<Stack> {
  const [{ gachaDb, itemDb }, auth] = await Promise.all([createDatabases(prefix), startAuth()]);
  const item = await startItem(itemDb.url);
  const gacha = await startGacha(gachaDb.url, `127.0.0.1:${item.port}`);
  const clients = createClients({
    GACHA_SERVICE_ADDR: `127.0.0.1:${gacha.port}`,
    ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
  });
  const app = gatewayApp(clients, auth);
  return {
    gachaDb,
    itemDb,
    gacha,
    auth,
    app,
    async close() {
      clients.close();
      await gacha.close();
      await item.close();
      await Promise.all([gachaDb.drop(), itemDb.drop(), auth.close()]);
    },
  };
}

/** A service started as its own process (node with tsx as a loader), its output captured. */
export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  /** When the exit event came (Date.now()); Infinity while running. */
  exitedAt: () => number;
}

// node with tsx as a loader, not the tsx CLI: the CLI relays signals to a second
// process and may SIGKILL it on a busy machine. Here SIGTERM reaches the service
// itself, as in a container.
export function spawnService(entry: string, env: Record<string, string>): ServiceProcess {
  const args = ["--import", "tsx", "--conditions=development", entry];
  const child = spawn(process.execPath, args, {
    cwd: path.resolve(__dirname, "../.."),
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let exitedAt = Infinity;
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exitedAt = Date.now();
      resolve(code);
    }),
  );
  return { child, output: () => out, exited, exitedAt: () => exitedAt };
}

/** The gateway as its own process on port 0 (it reports the port: "gateway listening"), JSON logs. */
export function spawnGateway(o: {
  gacha: string;
  item: string;
  grpcDeadlineMs: number;
  shutdownTimeoutMs: number;
  /** Where the gateway fetches the auth service's JWKS (its base URL). */
  authUrl: string;
}): ServiceProcess {
  return spawnService("services/gateway/src/main.ts", {
    HOST: "127.0.0.1",
    PORT: "0",
    GACHA_SERVICE_ADDR: o.gacha,
    ITEM_SERVICE_ADDR: o.item,
    GRPC_DEADLINE_MS: String(o.grpcDeadlineMs),
    SHUTDOWN_TIMEOUT_MS: String(o.shutdownTimeoutMs),
    AUTH_JWKS_URL: `${o.authUrl}/.well-known/jwks.json`,
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  });
}

/**
 * Waits (bounded) for the process's JSON log line whose msg is `msg` and returns its
 * `port`: a service started on port 0 binds a free port and reports it there, so no
 * test has to guess a free port for it.
 */
export async function reportedPort(p: ServiceProcess, msg: string, timeoutMs = 20_000): Promise<number> {
  const find = () =>
    p
      .output()
      .split("\n")
      .flatMap((line) => {
        try {
          const l = JSON.parse(line) as { msg?: unknown; port?: unknown };
          return l.msg === msg && typeof l.port === "number" && l.port > 0 ? [l.port] : [];
        } catch {
          return [];
        }
      })[0];
  const until = Date.now() + timeoutMs;
  for (let port = find(); ; port = find()) {
    if (port !== undefined) return port;
    if (Date.now() > until || p.child.exitCode !== null)
      throw new Error(`no "${msg}" line with a port in the output:\n${p.output()}`);
    await sleep(50);
  }
}
