import { openPrismaDatabase, type PrismaDatabase } from "@gacha/database";
import { PrismaClient } from "./generated/prisma/client";

export type GachaPrisma = InstanceType<typeof PrismaClient>;
export type GachaDatabase = PrismaDatabase<GachaPrisma>;

/** The gacha database (see openPrismaDatabase for the pool and its lifecycle). */
export function openDatabase(url: string, poolSize: number): GachaDatabase {
  return openPrismaDatabase(url, poolSize, (adapter) => new PrismaClient({ adapter }));
}
