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
  const applyOnce = async (g: GrantRecord): Promise<boolean> => {
    // A batch transaction, not an interactive one: Prisma runs the two
    // statements in this order between BEGIN and COMMIT on ONE connection
    // (the adapter's startTransaction takes a connection from the pool and
    // every statement of the batch goes to it, awaited one after the other),
    // with no callback round trips or transaction timers in between.
    //
    // INSERT IGNORE, not INSERT + catching 1062: a duplicate key gives 0
    // affected rows, without parsing driver error shapes and without an
    // error path inside the transaction. Its catch is that it also turns
    // data errors (too long, out of range) into warnings and stores clamped
    // values; grant-item.ts validates every field first so none can occur.
    // There are no foreign keys whose errors it would hide.
    //
    // The increment runs only when that INSERT IGNORE inserted: ROW_COUNT()
    // is the affected-row count of the previous statement on the same session
    // (1 for a new grant, 0 for a duplicate). A COM_STMT_PREPARE in between
    // (a prepare-cache miss) does not reset it; item-service.test.ts covers
    // first use on fresh connections, duplicates and concurrent copies.
    // Atomic upsert: Prisma's upsert is SELECT then INSERT and races on MySQL.
    //
    // The UPDATE clause binds name and rarity again instead of reading
    // VALUES(col): MySQL deprecates VALUES() there since 8.0.20, and its
    // replacement (a row alias: AS new ... new.col) is a syntax error on
    // MariaDB. Bound parameters mean the same on both (docs/mysql-mariadb.md).
    const [inserted] = await prisma.$transaction([
      prisma.$executeRaw`
        INSERT IGNORE INTO grants (draw_id, item_index, user_id, item_id)
        VALUES (${g.drawId}, ${g.index}, ${g.userId}, ${g.itemId})`,
      prisma.$executeRaw`
        INSERT INTO inventories (user_id, item_id, item_name, rarity, count, updated_at)
        SELECT ${g.userId}, ${g.itemId}, ${g.itemName}, ${g.rarity}, 1, NOW(3) FROM DUAL WHERE ROW_COUNT() > 0
        ON DUPLICATE KEY UPDATE count = count + 1, item_name = ${g.itemName},
          rarity = ${g.rarity}, updated_at = NOW(3)`,
    ]);
    return inserted === 1;
  };

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
