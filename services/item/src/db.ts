import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { parseDatabaseUrl } from "@gacha/migrate";
import { PrismaClient } from "./generated/prisma/client";

export type ItemPrisma = InstanceType<typeof PrismaClient>;

/**
 * The item database client with an explicit pool. Short connect/acquire
 * timeouts make an unreachable database fail a call in seconds (UNAVAILABLE,
 * retried by the gacha relay) instead of holding it until its deadline.
 */
export function createPrisma(url: string, poolSize: number): ItemPrisma {
  const adapter = new PrismaMariaDb({
    ...parseDatabaseUrl(url),
    connectionLimit: poolSize,
    connectTimeout: 2000,
    acquireTimeout: 1000,
  });
  return new PrismaClient({ adapter });
}
