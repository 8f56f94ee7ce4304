export { createDatabasePool, databasePoolConfig, parseDatabaseUrl, type DatabaseConnection } from "./database-url";
export { databaseUrlEnv } from "./database-url-env";
export { openPrismaDatabase, type PrismaDatabase } from "./prisma-database";
