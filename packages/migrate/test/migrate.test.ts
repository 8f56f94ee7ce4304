import { createHash, randomBytes } from "node:crypto";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mariadb, { type Connection } from "mariadb";
import { createTestDatabase, migrationsDir, TEST_SERVER_URL, type TestDatabase } from "@gacha/testing";
import { createDatabase, migrate, pendingMigrations } from "../src/migrate";
import { parseDatabaseUrl } from "@gacha/database";

const itemMigrations = migrationsDir("item");
const INIT = "20261123000000_init";
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

describe("migrate()", () => {
  const databases: TestDatabase[] = [];
  const tmpDirs: string[] = [];
  const freshDatabase = async () => {
    const db = await createTestDatabase("mig");
    databases.push(db);
    return db;
  };
  /** A writable copy of prisma/item/migrations, plus extra migrations { name: sql }. */
  const migrationsCopy = (extra: Record<string, string> = {}) => {
    const dir = mkdtempSync(path.join(tmpdir(), "mig-"));
    tmpDirs.push(dir);
    cpSync(itemMigrations, dir, { recursive: true });
    for (const [name, sql] of Object.entries(extra)) {
      mkdirSync(path.join(dir, name));
      writeFileSync(path.join(dir, name, "migration.sql"), sql);
    }
    return dir;
  };
  const rows = (db: TestDatabase) => db.query<MigrationRow>("SELECT * FROM _prisma_migrations ORDER BY started_at");

  afterAll(async () => {
    for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
    await Promise.all(databases.map((db) => db.drop()));
  });

  it("when run on a fresh database, then it applies the migrations and records them as Prisma does", async () => {
    const db = await freshDatabase();
    const result = await migrate({ url: db.url, migrationsDir: itemMigrations });
    expect(result).toEqual({ applied: [INIT], alreadyApplied: [] });
    const [row, ...others] = await rows(db);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      migration_name: INIT,
      checksum: sha256(path.join(itemMigrations, INIT, "migration.sql")),
      logs: null,
      rolled_back_at: null,
      applied_steps_count: 1,
    });
    expect(row!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(row!.finished_at).toBeInstanceOf(Date);
    const tables = await db.query<{ t: string }>(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
      [db.name],
    );
    expect(tables.map((t) => t.t).sort()).toEqual(["_prisma_migrations", "grants", "inventories"]);
  });

  it("when run a second time, then it applies nothing", async () => {
    const db = await freshDatabase();
    await migrate({ url: db.url, migrationsDir: itemMigrations });
    expect(await migrate({ url: db.url, migrationsDir: itemMigrations })).toEqual({
      applied: [],
      alreadyApplied: [INIT],
    });
    expect(await rows(db)).toHaveLength(1);
  });

  it("when three runs start at once on a fresh database, then all succeed and the migration is applied once", async () => {
    const db = await freshDatabase();
    const results = await Promise.all([1, 2, 3].map(() => migrate({ url: db.url, migrationsDir: itemMigrations })));
    expect(results.flatMap((r) => r.applied)).toEqual([INIT]);
    expect(results.flatMap((r) => r.alreadyApplied)).toEqual([INIT, INIT]);
    expect(await rows(db)).toHaveLength(1);
  });

  it("when an applied migration.sql was edited afterwards, then it refuses with 'modified'", async () => {
    const db = await freshDatabase();
    const dir = migrationsCopy();
    await migrate({ url: db.url, migrationsDir: dir });
    appendFileSync(path.join(dir, INIT, "migration.sql"), "\n-- an innocent-looking edit\n");
    await expect(migrate({ url: db.url, migrationsDir: dir })).rejects.toThrow(/modified/);
    await expect(pendingMigrations({ url: db.url, migrationsDir: dir })).rejects.toThrow(/modified/);
  });

  it("when a migration fails, then it rejects, leaves an unfinished row, and later runs refuse naming it", async () => {
    const db = await freshDatabase();
    const bad = "20991231000000_broken";
    const dir = migrationsCopy({
      [bad]: "CREATE TABLE `half_done` (`id` INT NOT NULL);\nALTER TABLE `no_such_table` ADD COLUMN `x` INT;\n",
    });
    await expect(migrate({ url: db.url, migrationsDir: dir })).rejects.toThrow(new RegExp(`${bad} failed`));
    const failed = (await rows(db)).find((r) => r.migration_name === bad);
    expect(failed).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
    expect(failed!.logs).toMatch(/no_such_table/);
    await expect(migrate({ url: db.url, migrationsDir: dir })).rejects.toThrow(
      new RegExp(`migration ${bad} failed earlier`),
    );
  });

  it("when asked what is pending, then pendingMigrations lists exactly the unapplied migrations", async () => {
    const db = await freshDatabase();
    const next = "20991231000000_add_index";
    const dir = migrationsCopy({ [next]: "CREATE INDEX `grants_user_id_idx` ON `grants`(`user_id`);\n" });
    expect(await pendingMigrations({ url: db.url, migrationsDir: dir })).toEqual([INIT, next]);
    await migrate({ url: db.url, migrationsDir: itemMigrations });
    expect(await pendingMigrations({ url: db.url, migrationsDir: dir })).toEqual([next]);
    expect(await migrate({ url: db.url, migrationsDir: dir })).toEqual({ applied: [next], alreadyApplied: [INIT] });
    expect(await pendingMigrations({ url: db.url, migrationsDir: dir })).toEqual([]);
  });
});

describe("createDatabase()", () => {
  const name = `t_mig_create_${randomBytes(5).toString("hex")}`;
  const url = Object.assign(new URL(TEST_SERVER_URL), { pathname: `/${name}` }).toString();
  const { database: _db, ...server } = parseDatabaseUrl(url);
  const withServer = async <T>(fn: (conn: Connection) => Promise<T>) => {
    const conn = await mariadb.createConnection(server);
    try {
      return await fn(conn);
    } finally {
      await conn.end();
    }
  };
  const exists = () =>
    withServer(
      async (conn) =>
        (await conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?", [name]))
          .length === 1,
    );
  afterAll(() => withServer((conn) => conn.query(`DROP DATABASE IF EXISTS \`${name}\``)));

  it("when the database is missing, then it creates it, and a second call is harmless", async () => {
    expect(await exists()).toBe(false);
    await createDatabase(url);
    expect(await exists()).toBe(true);
    await createDatabase(url);
    expect(await exists()).toBe(true);
  });

  it("when migrate() runs with createDatabase on a missing database, then the database is created and migrated", async () => {
    await withServer((conn) => conn.query(`DROP DATABASE IF EXISTS \`${name}\``));
    const result = await migrate({ url, migrationsDir: itemMigrations, createDatabase: true });
    expect(result.applied).toEqual([INIT]);
  });
});
