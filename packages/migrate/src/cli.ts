#!/usr/bin/env node
// Offline stand-in for `prisma migrate deploy|status`, compatible with its
// bookkeeping. Used by `npm run migrate`, the tests and the Kubernetes Jobs.
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { migrate, pendingMigrations } from "./migrate";

const USAGE = `usage: gacha-migrate <deploy|status> --migrations <dir> --url-env <VAR> [--create-database] [--wait <seconds>]
  deploy   apply pending migrations (takes the prisma_migrate lock)
  status   exit 0 when nothing is pending, 1 otherwise; with --wait, poll until
           nothing is pending or the time is up (for init containers)`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      migrations: { type: "string" },
      "url-env": { type: "string", default: "DATABASE_URL" },
      "create-database": { type: "boolean", default: false },
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
    await migrate({ url, migrationsDir, createDatabase: values["create-database"], log });
    return 0;
  }
  const waitSeconds = Number(values.wait);
  const until = Date.now() + waitSeconds * 1000;
  for (;;) {
    let pending: string[] | undefined;
    try {
      pending = await pendingMigrations({ url, migrationsDir });
    } catch (err) {
      if (Date.now() >= until) throw err;
      log(`cannot check yet: ${(err as Error).message}`);
    }
    if (pending && pending.length === 0) {
      log("database schema is up to date");
      return 0;
    }
    if (pending) log(`pending: ${pending.join(", ")}`);
    if (Date.now() >= until) return 1;
    await sleep(2_000);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`migrate failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
