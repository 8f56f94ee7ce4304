import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { createDatabasePool } from "@gacha/migrate";
import { PrismaClient } from "./generated/prisma/client";

export type GachaPrisma = InstanceType<typeof PrismaClient>;

export interface GachaDatabase {
  prisma: GachaPrisma;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

/**
 * The gacha database: Prisma over our own driver pool (createDatabasePool: the
 * shared settings, and a mariadb release with a fix the adapter's pinned one
 * lacks). We end the pool ourselves: the pool opens its connections at once,
 * but Prisma connects its adapter only at the first query, so a process that
 * never queried would keep those sockets, and itself, alive after $disconnect().
 */
export function openDatabase(url: string, poolSize: number): GachaDatabase {
  const pool = createDatabasePool(url, poolSize);
  const adapter = new PrismaMariaDb(pool as unknown as ConstructorParameters<typeof PrismaMariaDb>[0]);
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    async close() {
      try {
        await prisma.$disconnect();
      } finally {
        await pool.end();
      }
    },
  };
}
