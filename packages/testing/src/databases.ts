import { randomBytes } from "node:crypto";
import path from "node:path";
import mariadb from "mariadb";
import { parseDatabaseUrl } from "@gacha/database";
import { migrate } from "@gacha/migrate";

/**
 * Server the integration tests use; each suite works in databases of its own there. jest's
 * globalSetup (./global-setup) has set TEST_DATABASE_URL, to a Testcontainers MySQL if need be.
 */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? "mysql://root@127.0.0.1:3306/test";

const repoRoot = path.resolve(__dirname, "../../..");
/** A database the repository has a Prisma schema and migrations for (prisma/<name>). */
export type SchemaName = "gacha" | "item" | "auth";

export const migrationsDir = (db: SchemaName) => path.join(repoRoot, "prisma", db, "migrations");

export interface TestDatabase {
  name: string;
  url: string;
  /** A plain driver pool for assertions straight against the tables. */
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/** Creates a uniquely named database, applies the given schema's migrations (if any). */
export async function createTestDatabase(prefix: string, schema?: SchemaName): Promise<TestDatabase> {
  const name = `t_${prefix}_${randomBytes(5).toString("hex")}`;
  const u = new URL(TEST_SERVER_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const { database: _ignored, ...server } = parseDatabaseUrl(url);
  const admin = await mariadb.createConnection({ ...server, connectTimeout: 5_000 });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  if (schema) await migrate({ url, migrationsDir: migrationsDir(schema) });
  const pool = mariadb.createPool({ ...server, database: name, connectionLimit: 4, bigIntAsNumber: false });
  return {
    name,
    url,
    query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)) as T[],
    drop: async () => {
      await pool.end();
      const conn = await mariadb.createConnection({ ...server, connectTimeout: 5_000 });
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
    },
  };
}
