import type { GachaPrisma } from "./db";
import type { Rarity } from "./generated/prisma/client";

export interface HistoryRow {
  id: bigint;
  drawId: string;
  itemId: number;
  itemName: string;
  rarity: Rarity;
  createdAt: Date;
}

export interface HistoryRepository {
  /** A user's history rows with id < beforeId (all when undefined), newest first. */
  listHistories(userId: bigint, beforeId: bigint | undefined, take: number): Promise<HistoryRow[]>;
}

export function createHistoryRepository(prisma: GachaPrisma): HistoryRepository {
  return {
    // Keyset pagination on the (user_id, id) index: cost independent of page depth.
    listHistories: (userId, beforeId, take) =>
      prisma.history.findMany({
        where: { userId, ...(beforeId === undefined ? {} : { id: { lt: beforeId } }) },
        orderBy: { id: "desc" },
        take,
        select: { id: true, drawId: true, itemId: true, itemName: true, rarity: true, createdAt: true },
      }),
  };
}
