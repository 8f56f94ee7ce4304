import { openPrismaDatabase, type PrismaDatabase } from "@gacha/database";
import { PrismaClient } from "./generated/prisma/client";

export type AuthPrisma = InstanceType<typeof PrismaClient>;
export type AuthDatabase = PrismaDatabase<AuthPrisma>;

/** The auth database (see openPrismaDatabase for the pool and its lifecycle). */
export function openDatabase(url: string, poolSize: number): AuthDatabase {
  return openPrismaDatabase(url, poolSize, (adapter) => new PrismaClient({ adapter }));
}
