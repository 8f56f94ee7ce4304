// Test helper (not a suite): real item + gacha gRPC services on fresh
// databases, and the gateway's clients pointed at them.
import type { Express } from "express";
import { createLogger } from "@gacha/runtime";
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import { createGachaApp, type GachaApp } from "../../gacha/src/app";
import { loadGachaConfig } from "../../gacha/src/config";
import { createItemApp, type ItemApp } from "../../item/src/app";
import { loadItemConfig } from "../../item/src/config";
import { signUp, startAuthService, type AuthService } from "../../auth/test/support";
import { createTokenVerifier, type TokenVerifier } from "../src/auth/token-verifier";
import { createClients, type Clients } from "../src/clients";
import { createServer } from "../src/server";

export const logger = createLogger("gateway-test", { level: "silent" });

export interface Stack {
  app: Express;
  clients: Clients;
  gachaDb: TestDatabase;
  itemDb: TestDatabase;
  item: ItemApp;
  gacha: GachaApp;
  /** The real auth service (its own database): tokens come from it, keys from its JWKS. */
  auth: AuthService;
  verifier: TokenVerifier;
  /** Signs up and signs in a new user: their id and a Bearer Authorization header value. */
  signIn(): Promise<{ userId: number; token: string; bearer: string }>;
  /** Delivers every pending grant (the relay also runs on its own). */
  drainRelay(): Promise<void>;
  /** Row counts of every table in both databases. */
  rowCounts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function startStack(deadlineMs = 5_000): Promise<Stack> {
  const [gachaDb, itemDb, auth] = await Promise.all([
    createTestDatabase("gw_gacha", "gacha"),
    createTestDatabase("gw_item", "item"),
    startAuthService(),
  ]);
  const common = { GRPC_HOST: "127.0.0.1", SHUTDOWN_TIMEOUT_MS: "2000" };
  const item = await createItemApp(
    loadItemConfig({ ...common, ITEM_DATABASE_URL: itemDb.url, ITEM_GRPC_PORT: "0" }),
    logger,
  );
  const gacha = await createGachaApp(
    loadGachaConfig({
      ...common,
      GACHA_DATABASE_URL: gachaDb.url,
      GACHA_GRPC_PORT: "0",
      ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
      RELAY_INTERVAL_MS: "50",
    }),
    logger,
  );
  const clients = createClients({
    GACHA_SERVICE_ADDR: `127.0.0.1:${gacha.port}`,
    ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
  });
  const verifier = verifierFor(auth.url);
  const app = createServer({ gacha: clients.gacha, item: clients.item, deadlineMs, verifier, logger });

  const count = async (db: TestDatabase, sql: string) => Number((await db.query<{ n: bigint }>(sql))[0]?.n ?? -1);

  return {
    app,
    clients,
    gachaDb,
    itemDb,
    item,
    gacha,
    auth,
    verifier,
    async signIn() {
      const user = await signUp(auth.url);
      return { ...user, bearer: `Bearer ${user.token}` };
    },
    async drainRelay() {
      const until = Date.now() + 10_000;
      while ((await count(gachaDb, "SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL")) > 0) {
        if (Date.now() > until) throw new Error("outbox did not drain within 10 s");
        // 0 while inline deliveries still hold their lease: wait a moment, then retry.
        if ((await gacha.relay.drainOnce()) === 0) await new Promise((r) => setTimeout(r, 20));
      }
    },
    async rowCounts() {
      const tables: [TestDatabase, string][] = [
        [gachaDb, "draws"],
        [gachaDb, "histories"],
        [gachaDb, "outbox"],
        [itemDb, "grants"],
        [itemDb, "inventories"],
      ];
      const counts = await Promise.all(tables.map(([db, t]) => count(db, `SELECT COUNT(*) AS n FROM ${t}`)));
      return Object.fromEntries(tables.map(([, t], i) => [t, counts[i] ?? -1]));
    },
    async close() {
      clients.close();
      await gacha.close();
      await item.close();
      await Promise.all([gachaDb.drop(), itemDb.drop(), auth.close()]);
    },
  };
}

/** The gateway's verifier with the settings main.ts uses by default, pointed at an auth service. */
export function verifierFor(
  authUrl: string,
  overrides: { timeoutMs?: number; refetchCooldownMs?: number } = {},
): TokenVerifier {
  return createTokenVerifier({
    jwksUrl: new URL("/.well-known/jwks.json", authUrl),
    issuer: "gacha-auth",
    audience: "gacha-api",
    algorithm: "ES256",
    timeoutMs: overrides.timeoutMs ?? 2_000,
    clockToleranceSeconds: 30,
    ...(overrides.refetchCooldownMs === undefined ? {} : { refetchCooldownMs: overrides.refetchCooldownMs }),
  });
}

/** Every error body: exactly {"error": {"code", "message"}}, both non-empty strings. */
export function expectErrorBody(body: unknown, code?: string): void {
  expect(body).toEqual({ error: { code: code ?? expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) } });
  expect((body as { error: { message: string } }).error.message.length).toBeGreaterThan(0);
}
