import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import type { Pool } from "mariadb";
import { createDatabasePool } from "./database-url";

export interface PrismaDatabase<P> {
  prisma: P;
  /** The driver pool under Prisma, for its metrics (connections used, idle, waiting). */
  pool: Pool;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

/**
 * A service's database: its generated Prisma client over our own driver pool
 * (createDatabasePool: the shared settings, and a mariadb release with a fix
 * the adapter's pinned one lacks). We end the pool ourselves: the pool opens
 * its connections at once, but Prisma connects its adapter only at the first
 * query, so a process that never queried would keep those sockets, and
 * itself, alive after $disconnect().
 */
export function openPrismaDatabase<P extends { $disconnect(): Promise<void> }>(
  url: string,
  poolSize: number,
  createClient: (adapter: PrismaMariaDb) => P,
): PrismaDatabase<P> {
  const pool = createDatabasePool(url, poolSize);
  const prisma = createClient(new PrismaMariaDb(pool as unknown as ConstructorParameters<typeof PrismaMariaDb>[0]));
  return {
    prisma,
    pool,
    async close() {
      try {
        await prisma.$disconnect();
      } finally {
        await pool.end();
      }
    },
  };
}
