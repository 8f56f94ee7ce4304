import { setTimeout as sleep } from "node:timers/promises";
import mariadb from "mariadb";
import { parseDatabaseUrl } from "@gacha/database";
import { classifyConnectionError, describeConnectionError } from "./connection-errors";
import { progressLog } from "./progress-log";

export interface WaitForDatabaseOptions {
  url: string;
  /** Give up after this many seconds; 0 means a single attempt. */
  waitSeconds: number;
  /** Connect to the server only (the database is created afterwards). */
  serverOnly?: boolean;
  /**
   * How long a server that answers but refuses the login (access denied,
   * unknown database) is still retried: the user may be created just after
   * the server starts. A wrong password fails after this, not after waitSeconds.
   */
  loginGraceSeconds?: number;
  log?: (message: string) => void;
}

export interface WaitResult {
  attempts: number;
  elapsedMs: number;
}

export class DatabaseWaitError extends Error {
  override name = "DatabaseWaitError";
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 3_000;
const MAX_CONNECT_TIMEOUT_MS = 5_000;
const MIN_CONNECT_TIMEOUT_MS = 1_000;
const LOG_EVERY_MS = 10_000;
const DEFAULT_LOGIN_GRACE_SECONDS = 15;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Waits until the database accepts a connection, retrying only failures that
 * mean "not up yet" (classifyConnectionError), with a back-off of 0.5, 1, 2,
 * then 3 s between attempts and a connect timeout on every attempt.
 */
export async function waitForDatabase(opts: WaitForDatabaseOptions): Promise<WaitResult> {
  const log = opts.log ?? (() => {});
  const { database, ...server } = parseDatabaseUrl(opts.url);
  const target = `${server.host}:${server.port}`;
  const config = opts.serverOnly ? server : { ...server, database };
  const start = Date.now();
  const deadline = start + opts.waitSeconds * 1000;
  const loginGraceMs = Math.min(opts.loginGraceSeconds ?? DEFAULT_LOGIN_GRACE_SECONDS, opts.waitSeconds) * 1000;
  const progress = progressLog(log, LOG_EVERY_MS);
  let loginRefusedSince: number | undefined;

  for (let attempt = 1; ; attempt++) {
    const connectTimeout = Math.min(MAX_CONNECT_TIMEOUT_MS, Math.max(MIN_CONNECT_TIMEOUT_MS, deadline - Date.now()));
    try {
      const conn = await mariadb.createConnection({ ...config, connectTimeout, socketTimeout: MAX_CONNECT_TIMEOUT_MS });
      await conn.end();
      const elapsedMs = Date.now() - start;
      if (attempt > 1) log(`database at ${target} is up (attempt ${attempt}, after ${seconds(elapsedMs)})`);
      return { attempts: attempt, elapsedMs };
    } catch (err) {
      const now = Date.now();
      const kind = classifyConnectionError(err);
      const reason = describeConnectionError(err);
      if (kind === "login-refused") loginRefusedSince ??= now;
      if (kind === "fatal") throw new DatabaseWaitError(`cannot connect to the database at ${target}: ${reason}`);
      if (kind === "secure-login-required") {
        throw new DatabaseWaitError(
          `the database at ${target} is up but cannot check user ${server.user}'s password over this connection: ${reason}`,
        );
      }
      if (kind === "login-refused" && (now - loginRefusedSince! >= loginGraceMs || now >= deadline)) {
        throw new DatabaseWaitError(
          `the database at ${target} is up but refuses user ${server.user}${opts.serverOnly ? "" : ` on database ${database}`}: ${reason}` +
            ` (still refused after ${seconds(now - loginRefusedSince!)}); check the user, password and database name in the URL`,
        );
      }
      if (now >= deadline) {
        throw new DatabaseWaitError(
          `the database at ${target} did not accept a connection within ${opts.waitSeconds} s (${attempt} attempts); last error: ${reason}.` +
            ` Is it running and reachable? Wait longer with --wait-for-database <seconds> or MIGRATE_DATABASE_WAIT_SECONDS.`,
        );
      }
      const delay = Math.min(FIRST_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS, deadline - now);
      const waiting =
        kind === "login-refused"
          ? `the database at ${target} refuses the login (${reason}); the user may not exist yet, retrying for up to ${seconds(loginGraceMs)}`
          : `waiting for the database at ${target}: ${reason}`;
      progress(
        `${kind}:${(err as { code?: string }).code}`,
        `${waiting}; attempt ${attempt}, ${seconds(now - start)} of ${opts.waitSeconds} s; retrying`,
      );
      await sleep(delay);
    }
  }
}
