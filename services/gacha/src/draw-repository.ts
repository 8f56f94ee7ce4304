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
  /** The draw's W3C traceparent (tracing on), kept on its outbox rows. */
  traceparent?: string | undefined;
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
      // One timestamp for the draw and its rows (the ORM's createMany took a
      // fresh now() per table); UTC, like every DATETIME Prisma writes.
      const createdAt = new Date();
      const histories = d.items.map(
        (item, index) =>
          Prisma.sql`(${d.drawId}, ${index}, ${d.userId}, ${item.itemId}, ${item.itemName}, ${item.rarity}, ${createdAt})`,
      );
      const outbox = d.items.map(
        (item, index) =>
          Prisma.sql`(${d.drawId}, ${index}, ${d.userId}, ${item.itemId}, ${item.itemName}, ${item.rarity}, 0, ${d.deliverAfter}, ${createdAt}, ${d.traceparent ?? null})`,
      );
      try {
        // A batch transaction: BEGIN, three INSERTs, COMMIT on one connection,
        // no interactive round trips. Raw multi-row INSERTs instead of the
        // ORM's createMany: the same statements, without Prisma's per-call
        // query planning and argument mapping (docs/benchmarks.md, profile).
        await prisma.$transaction([
          prisma.$executeRaw`
            INSERT INTO draws (id, user_id, count, idempotency_key, request_hash, created_at)
            VALUES (${d.drawId}, ${d.userId}, ${d.count}, ${d.idempotencyKey ?? null}, ${d.requestHash}, ${createdAt})`,
          prisma.$executeRaw`
            INSERT INTO histories (draw_id, item_index, user_id, item_id, item_name, rarity, created_at)
            VALUES ${Prisma.join(histories)}`,
          prisma.$executeRaw`
            INSERT INTO outbox (draw_id, item_index, user_id, item_id, item_name, rarity, attempts, next_attempt_at, created_at, traceparent)
            VALUES ${Prisma.join(outbox)}`,
        ]);
        return "inserted";
      } catch (err) {
        // The only unique key a fresh UUID can collide on is the idempotency key.
        if (isUniqueViolation(err)) return "duplicate";
        throw err;
      }
    },
  };
}

/** Duplicate key: P2002 from the ORM, or a raw query's driver error 1062 (ER_DUP_ENTRY). */
function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (err.code === "P2002") return true;
  const meta = err.meta as { driverAdapterError?: { cause?: { kind?: string; originalCode?: string } } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  return cause?.kind === "UniqueConstraintViolation" || cause?.originalCode === "1062";
}
