// Test helper (not a suite): the real auth service on a fresh database, with
// signing keys generated for the run and written where the Secret would be mounted.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { exportPKCS8, generateKeyPair } from "jose";
import { createLogger } from "@gacha/runtime";
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import { createAuthApp, type AuthApp } from "../src/app";
import { loadAuthConfig } from "../src/config";
import { hashPassword } from "../src/password";

export const logger = createLogger("auth-test", { level: "silent" });

/** A fresh PEM private key (PKCS#8) for alg. */
export async function newPrivateKeyPem(alg: "ES256" | "EdDSA" | "RS256" = "ES256"): Promise<string> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return exportPKCS8(privateKey);
}

export interface AuthService {
  auth: AuthApp;
  db: TestDatabase;
  url: string;
  /** The PEM files the service was started with. */
  keyFiles: { current: string; previous?: string };
  close(): Promise<void>;
}

/** Starts auth on 127.0.0.1:<free port>; env overrides any setting (limits, lifetime, issuer). */
export async function startAuthService(
  env: Record<string, string> = {},
  keys: { current?: string; previous?: string } = {},
): Promise<AuthService> {
  const dir = mkdtempSync(path.join(tmpdir(), "auth-keys-"));
  const current = path.join(dir, "signing-key.pem");
  writeFileSync(current, keys.current ?? (await newPrivateKeyPem()));
  let previous: string | undefined;
  if (keys.previous) {
    previous = path.join(dir, "previous-signing-key.pem");
    writeFileSync(previous, keys.previous);
  }
  const db = await createTestDatabase("auth", "auth");
  let auth: AuthApp;
  try {
    auth = await createAuthApp(
      loadAuthConfig({
        HOST: "127.0.0.1",
        AUTH_PORT: "0",
        SHUTDOWN_TIMEOUT_MS: "2000",
        AUTH_DATABASE_URL: db.url,
        AUTH_SIGNING_KEY_FILE: current,
        ...(previous ? { AUTH_PREVIOUS_SIGNING_KEY_FILE: previous } : {}),
        ...env,
      }),
      logger,
    );
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    auth,
    db,
    url: `http://127.0.0.1:${auth.port}`,
    keyFiles: { current, ...(previous ? { previous } : {}) },
    async close() {
      await auth.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let nextName = Date.now() % 1e9;
/** A username no other test (or earlier run) uses. */
export const newUsername = (prefix = "user") => `${prefix}_${(nextName++).toString(36)}`;
export const PASSWORD = "correct horse battery staple";

/** Registers and signs in a new user over real HTTP; returns the id and the access token. */
export async function signUp(authUrl: string, username = newUsername()): Promise<{ userId: number; token: string }> {
  const post = (route: string) =>
    fetch(`${authUrl}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: PASSWORD }),
      signal: AbortSignal.timeout(10_000),
    });
  const registered = await post("/auth/register");
  if (registered.status !== 201) throw new Error(`register: ${registered.status} ${await registered.text()}`);
  const { user_id: userId } = (await registered.json()) as { user_id: number };
  const login = await post("/auth/login");
  if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  return { userId, token };
}

/**
 * A real token for a given user id: the account (id, `user<id>`) is created in
 * auth's table if missing, then signed in over HTTP. For suites whose users
 * are fixed numbers (the fault suites).
 */
export async function tokenForUserId(svc: AuthService, userId: number): Promise<string> {
  const username = `user${userId}`;
  await svc.db.query("INSERT IGNORE INTO users (id, username, password_hash) VALUES (?, ?, ?)", [
    userId,
    username,
    await passwordHashOnce(),
  ]);
  const res = await fetch(`${svc.url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status !== 200) throw new Error(`login of ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

let passwordHash: Promise<string> | undefined;
const passwordHashOnce = () => (passwordHash ??= hashPassword(PASSWORD));
