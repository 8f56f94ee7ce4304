export { migrate, pendingMigrations, createDatabase, MigrationError } from "./migrate";
export type { MigrateOptions, MigrateResult } from "./migrate";
export { readMigrations } from "./migrations-folder";
