import { randomUUID } from "node:crypto";
import mariadb, { type Connection } from "mariadb";
import { parseDatabaseUrl } from "@gacha/database";
import { readMigrations, type MigrationFile } from "./migrations-folder";

export class MigrationError extends Error {
  override name = "MigrationError";
}

export interface MigrateOptions {
  url: string;
  migrationsDir: string;
  /** CREATE DATABASE IF NOT EXISTS first (local dev and tests). */
  createDatabase?: boolean;
  /** How long to wait for another migrator holding the lock. */
  lockTimeoutSeconds?: number;
  log?: (message: string) => void;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

// The same lock name and bookkeeping table as `prisma migrate deploy`, so the
// two exclude each other and agree on what has been applied.
const LOCK_NAME = "prisma_migrate";
const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies pending migrations in order, like `prisma migrate deploy`, without
 * Prisma's native schema engine. Safe to start from several processes at once:
 * they serialise on a MySQL named lock. Refuses to continue when an applied
 * migration's file has changed or an earlier attempt failed half-way.
 */
export async function migrate(opts: MigrateOptions): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const files = readMigrations(opts.migrationsDir);
  const config = parseDatabaseUrl(opts.url);
  if (opts.createDatabase) await createDatabase(opts.url);
  const conn = await mariadb.createConnection({ ...config, multipleStatements: true, connectTimeout: 10_000 });
  try {
    await acquireLock(conn, opts.lockTimeoutSeconds ?? 60);
    try {
      await conn.query(CREATE_BOOKKEEPING);
      const rows: AppliedRow[] = await conn.query(
        "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at",
      );
      const pending = checkHistory(files, rows);
      const result: MigrateResult = {
        applied: [],
        alreadyApplied: files.filter((f) => !pending.includes(f)).map((f) => f.name),
      };
      for (const file of pending) {
        log(`applying ${file.name}`);
        await applyOne(conn, file);
        result.applied.push(file.name);
      }
      log(pending.length ? `applied ${pending.length} migration(s)` : "database schema is up to date");
      return result;
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [LOCK_NAME]);
    }
  } finally {
    await conn.end();
  }
}

/** Names of migrations not applied yet (no changes made; no lock taken). */
export async function pendingMigrations(opts: Pick<MigrateOptions, "url" | "migrationsDir">): Promise<string[]> {
  const files = readMigrations(opts.migrationsDir);
  // read-only and quick: a socket timeout bounds a server that stops answering
  const conn = await mariadb.createConnection({
    ...parseDatabaseUrl(opts.url),
    connectTimeout: 10_000,
    socketTimeout: 10_000,
  });
  try {
    const [table] = await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations'",
    );
    if (Number(table.n) === 0) return files.map((f) => f.name);
    const rows: AppliedRow[] = await conn.query(
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations",
    );
    return checkHistory(files, rows).map((f) => f.name);
  } finally {
    await conn.end();
  }
}

export async function createDatabase(url: string): Promise<void> {
  const { database, ...server } = parseDatabaseUrl(url);
  const conn = await mariadb.createConnection({ ...server, connectTimeout: 10_000 });
  try {
    // The name is checked to be [A-Za-z0-9_] by parseDatabaseUrl.
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

async function acquireLock(conn: Connection, timeoutSeconds: number): Promise<void> {
  const [row] = await conn.query("SELECT GET_LOCK(?, ?) AS got", [LOCK_NAME, timeoutSeconds]);
  if (Number(row.got) !== 1) {
    throw new MigrationError(`another migration held the lock for more than ${timeoutSeconds}s`);
  }
}

/** Compares the folder with the bookkeeping table; returns what is left to apply. */
function checkHistory(files: MigrationFile[], rows: AppliedRow[]): MigrationFile[] {
  const live = rows.filter((r) => r.rolled_back_at === null);
  const failed = live.find((r) => r.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} failed earlier and is unfinished; fix the database, then mark it rolled back (prisma migrate resolve --rolled-back ${failed.migration_name})`,
    );
  }
  const applied = new Map(live.map((r) => [r.migration_name, r]));
  for (const name of applied.keys()) {
    if (!files.some((f) => f.name === name)) {
      throw new MigrationError(`migration ${name} is applied in the database but missing from the migrations folder`);
    }
  }
  for (const file of files) {
    const row = applied.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationError(
        `migration ${file.name} was modified after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk); add a new migration instead`,
      );
    }
  }
  return files.filter((f) => !applied.has(f.name));
}

async function applyOne(conn: Connection, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  await conn.query(
    "INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)",
    [id, file.checksum, file.name],
  );
  try {
    // MySQL DDL is not transactional: a failure leaves the row unfinished,
    // which blocks later runs until someone looks, as Prisma does.
    await conn.query(file.sql);
  } catch (err) {
    await conn.query("UPDATE _prisma_migrations SET logs = ? WHERE id = ?", [String(err), id]);
    throw new MigrationError(`migration ${file.name} failed: ${(err as Error).message}`);
  }
  await conn.query("UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?", [id]);
}
