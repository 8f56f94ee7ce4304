import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { Express } from "express";
import { createDrain, drainHttpServer, listen, type Logger } from "@gacha/runtime";
import { observeDbPool } from "@gacha/telemetry";
import type { AuthConfig } from "./config";
import { openDatabase } from "./db";
import { createLoginLimiter } from "./login-limiter";
import { hashPassword } from "./password";
import { createServer } from "./server";
import { loadKeyRing } from "./signing-keys";
import { createUserRepository } from "./users";

export interface AuthApp {
  app: Express;
  port: number;
  /** Readiness 503, in-flight requests finish, then the listener and the database close. */
  close(): Promise<void>;
}

/** Builds and starts the auth service; tests pass AUTH_PORT 0. */
export async function createAuthApp(config: AuthConfig, logger: Logger): Promise<AuthApp> {
  // Keys first: a missing or wrong key fails the start before anything opens.
  const keys = await loadKeyRing(config.AUTH_SIGNING_KEY_FILE, config.AUTH_PREVIOUS_SIGNING_KEY_FILE);
  const decoyHash = await hashPassword(randomBytes(16).toString("hex"));
  const db = openDatabase(config.AUTH_DATABASE_URL, config.AUTH_DB_POOL_SIZE);
  const drain = createDrain();
  const app = createServer(
    {
      users: createUserRepository(db.prisma),
      keys,
      tokens: {
        issuer: config.AUTH_TOKEN_ISSUER,
        audience: config.AUTH_TOKEN_AUDIENCE,
        ttlSeconds: config.AUTH_TOKEN_TTL_SECONDS,
      },
      limiter: createLoginLimiter({
        maxFailuresPerUsername: config.LOGIN_MAX_FAILURES_PER_USERNAME,
        maxFailuresPerClient: config.LOGIN_MAX_FAILURES_PER_CLIENT,
        windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
        lockoutSeconds: config.LOGIN_LOCKOUT_SECONDS,
      }),
      decoyHash,
      checkDatabase: async () => {
        await db.prisma.$queryRaw`SELECT 1`;
      },
      logger,
      drain,
    },
    config.TRUST_PROXY_HOPS,
  );
  let server: Server;
  try {
    server = await listen(app, config.HOST, config.AUTH_PORT);
  } catch (err) {
    await db.close();
    throw err;
  }
  const stopObservingPool = observeDbPool(db.pool, "auth", config.AUTH_DB_POOL_SIZE);
  const address = server.address();
  logger.info({ kid: keys.current.kid, alg: keys.current.alg, jwks: keys.jwks.keys.length }, "signing key loaded");
  return {
    app,
    port: typeof address === "object" && address ? address.port : config.AUTH_PORT,
    async close() {
      try {
        await drainHttpServer(server, drain, config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_IDLE_GRACE_MS);
      } finally {
        stopObservingPool();
        await db.close();
      }
    },
  };
}
