import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { databasePoolConfig } from "@gacha/migrate";
import { PrismaClient } from "./generated/prisma/client";

export type GachaPrisma = InstanceType<typeof PrismaClient>;

/** The gacha database client, with the shared pool settings (see databasePoolConfig). */
export function createPrisma(url: string, poolSize: number): GachaPrisma {
  return new PrismaClient({ adapter: new PrismaMariaDb(databasePoolConfig(url, poolSize)) });
}
