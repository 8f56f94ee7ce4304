import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { createDatabasePool } from "@gacha/migrate";
import { PrismaClient } from "./generated/prisma/client";

export type GachaPrisma = InstanceType<typeof PrismaClient>;

/** The gacha database client, with the shared pool settings (see createDatabasePool). */
export function createPrisma(url: string, poolSize: number): GachaPrisma {
  // Our pool (createDatabasePool: a driver fix the adapter's pinned mariadb lacks); $disconnect() ends it.
  const pool = createDatabasePool(url, poolSize) as unknown as ConstructorParameters<typeof PrismaMariaDb>[0];
  return new PrismaClient({ adapter: new PrismaMariaDb(pool, { disposeExternalPool: true }) });
}
