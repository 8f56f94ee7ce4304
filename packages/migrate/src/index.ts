export { createDatabasePool, databasePoolConfig, parseDatabaseUrl } from "./database-url";
export { migrate, pendingMigrations, createDatabase, MigrationError } from "./migrate";
export type { MigrateOptions, MigrateResult } from "./migrate";
export { readMigrations } from "./migrations-folder";
export { openPrismaDatabase, type PrismaDatabase } from "./prisma-database";
