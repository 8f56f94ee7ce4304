import { Prisma, type Rarity } from "./generated/prisma/client";
import type { ItemPrisma } from "./db";

export interface GrantRecord {
  drawId: string;
  index: number;
  userId: bigint;
  itemId: number;
  itemName: string;
  rarity: Rarity;
}

export interface InventoryRow {
  itemId: number;
  itemName: string;
  rarity: Rarity;
  count: bigint;
}

export interface InventoryRepository {
  /** Records the grant and counts the item, once: false when (drawId, index) was already applied. */
  applyGrant(grant: GrantRecord): Promise<boolean>;
  listInventory(userId: bigint): Promise<InventoryRow[]>;
}

// A deadlock rolls the whole transaction back, so running it again is safe.
const MAX_ATTEMPTS = 3;

export function createInventoryRepository(prisma: ItemPrisma): InventoryRepository {
  const applyOnce = (g: GrantRecord) =>
    prisma.$transaction(
      async (tx) => {
        // INSERT IGNORE, not INSERT + catching 1062: a duplicate key gives 0
        // affected rows, without parsing driver error shapes and without an
        // error path inside the transaction. Its catch is that it also turns
        // data errors (too long, out of range) into warnings and stores
        // clamped values; grant-item.ts validates every field first so none
        // can occur. There are no foreign keys whose errors it would hide.
        const inserted = await tx.$executeRaw`
          INSERT IGNORE INTO grants (draw_id, item_index, user_id, item_id)
          VALUES (${g.drawId}, ${g.index}, ${g.userId}, ${g.itemId})`;
        if (inserted === 0) return false;
        // Atomic upsert: Prisma's upsert is SELECT then INSERT and races on MySQL.
        await tx.$executeRaw`
          INSERT INTO inventories (user_id, item_id, item_name, rarity, count, updated_at)
          VALUES (${g.userId}, ${g.itemId}, ${g.itemName}, ${g.rarity}, 1, NOW(3))
          ON DUPLICATE KEY UPDATE count = count + 1, item_name = VALUES(item_name),
            rarity = VALUES(rarity), updated_at = NOW(3)`;
        return true;
      },
      // maxWait above the pool's acquireTimeout (3 s): when the DB is down the
      // driver's "pool timeout" error (classified UNAVAILABLE) surfaces, not
      // Prisma's P2028 "unable to start a transaction", which is not.
      { maxWait: 5_000, timeout: 5_000 },
    );

  return {
    async applyGrant(grant) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await applyOnce(grant);
        } catch (err) {
          if (attempt >= MAX_ATTEMPTS || !isDeadlock(err)) throw err;
        }
      }
    },
    async listInventory(userId) {
      return prisma.inventory.findMany({
        where: { userId },
        orderBy: { itemId: "asc" },
        select: { itemId: true, itemName: true, rarity: true, count: true },
      });
    },
  };
}

/** P2034 is Prisma's "write conflict or deadlock"; 1213 is MySQL's ER_LOCK_DEADLOCK. */
function isDeadlock(err: unknown): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (err.code === "P2034") return true;
  const meta = err.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined;
  return meta?.driverAdapterError?.cause?.originalCode === "1213";
}
