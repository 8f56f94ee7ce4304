#!/usr/bin/env node
// Offline stand-in for `prisma migrate deploy|status`, compatible with its
// bookkeeping. Used by `npm run migrate`, the tests and the Kubernetes Jobs.
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { parseDatabaseUrl } from "@gacha/database";
import { describeConnectionError } from "./connection-errors";
import { migrate, pendingMigrations } from "./migrate";
import { progressLog } from "./progress-log";
import { waitForDatabase } from "./wait-for-database";

const WAIT_ENV = "MIGRATE_DATABASE_WAIT_SECONDS";
// Long enough for a local database that is still starting, short enough that a
// forgotten one is reported quickly. The Kubernetes Jobs set their own (docs/kubernetes.md).
const DEFAULT_DATABASE_WAIT_SECONDS = 30;

const USAGE = `usage: gacha-migrate <deploy|status> --migrations <dir> --url-env <VAR> [--create-database]
                     [--wait-for-database <seconds>] [--wait <seconds>]
  deploy   wait until the database accepts connections (--wait-for-database, else
           $${WAIT_ENV}, else ${DEFAULT_DATABASE_WAIT_SECONDS} s), then apply pending migrations
           (takes the prisma_migrate lock)
  status   exit 0 when nothing is pending, 1 otherwise; with --wait, poll until
           nothing is pending or the time is up (for init containers)`;

class UsageError extends Error {}

function seconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${name} must be a number of seconds >= 0 (got ${JSON.stringify(value)})`);
  return n;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      migrations: { type: "string" },
      "url-env": { type: "string", default: "DATABASE_URL" },
      "create-database": { type: "boolean", default: false },
      "wait-for-database": { type: "string" },
      wait: { type: "string", default: "0" },
      help: { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !values.migrations || (command !== "deploy" && command !== "status")) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const urlEnv = values["url-env"]!;
  const url = process.env[urlEnv];
  if (!url) {
    console.error(`${urlEnv} is not set`);
    return 2;
  }
  const migrationsDir = values.migrations;
  const log = (m: string) => console.log(`[migrate ${urlEnv}] ${m}`);

  if (command === "deploy") {
    const waitSeconds =
      values["wait-for-database"] !== undefined
        ? seconds("--wait-for-database", values["wait-for-database"], DEFAULT_DATABASE_WAIT_SECONDS)
        : seconds(WAIT_ENV, process.env[WAIT_ENV], DEFAULT_DATABASE_WAIT_SECONDS);
    const createDatabase = values["create-database"];
    await waitForDatabase({ url, waitSeconds, serverOnly: createDatabase, log });
    await migrate({ url, migrationsDir, createDatabase, log });
    return 0;
  }

  // status: keeps polling through every error until its deadline, so an init
  // container never exits early (Skaffold treats a failed init container as fatal).
  const waitSeconds = seconds("--wait", values.wait, 0);
  const { host, port } = parseDatabaseUrl(url);
  const progress = progressLog(log, 10_000);
  const until = Date.now() + waitSeconds * 1000;
  for (;;) {
    let pending: string[] | undefined;
    try {
      pending = await pendingMigrations({ url, migrationsDir });
    } catch (err) {
      if (Date.now() >= until) throw err;
      progress(
        `error:${(err as { code?: string }).code}`,
        `cannot check ${host}:${port} yet: ${describeConnectionError(err)}; retrying`,
      );
    }
    if (pending && pending.length === 0) {
      log("database schema is up to date");
      return 0;
    }
    if (pending) progress(`pending:${pending.join(",")}`, `pending: ${pending.join(", ")}`);
    if (Date.now() >= until) return 1;
    await sleep(Math.min(2_000, Math.max(0, until - Date.now())));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`migrate failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
