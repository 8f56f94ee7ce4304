import type { GachaPrisma } from "./db";
import { Prisma, type Rarity } from "./generated/prisma/client";

export interface DrawnItem {
  itemId: number;
  itemName: string;
  rarity: Rarity;
}

export interface NewDraw {
  drawId: string;
  userId: bigint;
  count: number;
  idempotencyKey: string | undefined;
  requestHash: string;
  items: DrawnItem[];
  /** Outbox rows are not due for the relay before this: the inline delivery has them first. */
  deliverAfter: Date;
}

export interface StoredDraw {
  drawId: string;
  requestHash: string;
  items: DrawnItem[];
}

export interface DrawRepository {
  findByIdempotencyKey(key: string): Promise<StoredDraw | null>;
  /** Writes the draw, its history and outbox rows atomically; "duplicate" when the idempotency key is taken. */
  insert(draw: NewDraw): Promise<"inserted" | "duplicate">;
}

export function createDrawRepository(prisma: GachaPrisma): DrawRepository {
  return {
    async findByIdempotencyKey(idempotencyKey) {
      const draw = await prisma.draw.findUnique({
        where: { idempotencyKey },
        select: {
          id: true,
          requestHash: true,
          histories: { orderBy: { index: "asc" }, select: { itemId: true, itemName: true, rarity: true } },
        },
      });
      return draw && { drawId: draw.id, requestHash: draw.requestHash, items: draw.histories };
    },

    async insert(d) {
      const rows = d.items.map((item, index) => ({ drawId: d.drawId, index, userId: d.userId, ...item }));
      try {
        // A batch transaction: three INSERTs between BEGIN and COMMIT, no
        // interactive round trips (createMany does not read rows back).
        await prisma.$transaction([
          prisma.draw.createMany({
            data: [{ id: d.drawId, userId: d.userId, count: d.count, idempotencyKey: d.idempotencyKey ?? null, requestHash: d.requestHash }],
          }),
          prisma.history.createMany({ data: rows }),
          prisma.outbox.createMany({ data: rows.map((r) => ({ ...r, nextAttemptAt: d.deliverAfter })) }),
        ]);
        return "inserted";
      } catch (err) {
        // The only unique key a fresh UUID can collide on is the idempotency key.
        if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return "duplicate";
        throw err;
      }
    },
  };
}
