import { openPrismaDatabase, type PrismaDatabase } from "@gacha/database";
import { PrismaClient } from "./generated/prisma/client";

export type ItemPrisma = InstanceType<typeof PrismaClient>;
export type ItemDatabase = PrismaDatabase<ItemPrisma>;

/** The item database (see openPrismaDatabase for the pool and its lifecycle). */
export function openDatabase(url: string, poolSize: number): ItemDatabase {
  return openPrismaDatabase(url, poolSize, (adapter) => new PrismaClient({ adapter }));
}
