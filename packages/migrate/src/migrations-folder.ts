import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import path from "node:path";

export interface MigrationFile {
  /** Folder name, e.g. 20261123000000_init: Prisma's migration_name. */
  name: string;
  sql: string;
  /** sha256 of migration.sql, hex: what Prisma stores in `checksum`. */
  checksum: string;
}

/** Reads a Prisma migrations folder (`<timestamp>_<name>/migration.sql`), in order. */
export function readMigrations(dir: string): MigrationFile[] {
  if (!existsSync(path.join(dir, "migration_lock.toml"))) {
    throw new Error(`${dir} is not a Prisma migrations folder (no migration_lock.toml)`);
  }
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}
