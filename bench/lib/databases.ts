// Fresh, migrated bench databases on the local server, dropped at the end.
import { randomBytes } from "node:crypto";
import path from "node:path";
import mariadb from "mariadb";
import { parseDatabaseUrl } from "@gacha/database";
import { migrate } from "@gacha/migrate";

export const SERVER_URL = process.env.BENCH_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/bench";
const repoRoot = path.resolve(__dirname, "../..");

export interface BenchDatabases {
  gachaUrl: string;
  itemUrl: string;
  authUrl: string;
  drop(): Promise<void>;
}

const urlFor = (name: string) => {
  const u = new URL(SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function adminQuery(sql: string): Promise<unknown> {
  const { database: _db, ...server } = parseDatabaseUrl(SERVER_URL);
  const conn = await mariadb.createConnection({ ...server, connectTimeout: 5_000 }).catch((e: Error) => {
    // e.g. a server whose root logs in through the unix socket only: one sentence, not the driver's stack
    const where = new URL(SERVER_URL);
    where.password = where.password ? "***" : "";
    throw new Error(
      `the benchmarks create their databases at ${where.toString()} and could not connect: ${e.message}. ` +
        "Set BENCH_DATABASE_URL to a MySQL/MariaDB account that may create and drop databases.",
    );
  });
  try {
    return await conn.query(sql);
  } finally {
    await conn.end();
  }
}

export async function createBenchDatabases(tag: string): Promise<BenchDatabases> {
  const suffix = randomBytes(4).toString("hex");
  const names = {
    gacha: `bench_${tag}_gacha_${suffix}`,
    item: `bench_${tag}_item_${suffix}`,
    auth: `bench_${tag}_auth_${suffix}`,
  };
  for (const [schema, name] of Object.entries(names)) {
    await adminQuery(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await migrate({ url: urlFor(name), migrationsDir: path.join(repoRoot, "prisma", schema, "migrations") });
  }
  return {
    gachaUrl: urlFor(names.gacha),
    itemUrl: urlFor(names.item),
    authUrl: urlFor(names.auth),
    drop: async () => {
      for (const name of Object.values(names)) await adminQuery(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/** Com_* counters (statements executed server-wide), to count round trips per operation. */
export async function statementCounters(): Promise<Record<string, number>> {
  const rows = (await adminQuery(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_begin','Com_commit','Com_rollback','Com_insert','Com_update','Com_select','Com_set_option','Com_stmt_execute','Com_stmt_prepare','Com_stmt_close','Questions')",
  )) as { Variable_name: string; Value: string }[];
  return Object.fromEntries(rows.map((r) => [r.Variable_name, Number(r.Value)]));
}

export function counterDelta(
  before: Record<string, number>,
  after: Record<string, number>,
  per: number,
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((k) => [
      k.replace(/^Com_/, ""),
      Math.round(((after[k]! - (before[k] ?? 0)) / per) * 100) / 100,
    ]),
  );
}
