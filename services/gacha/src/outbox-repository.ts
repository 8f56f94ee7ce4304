import { Prisma, type Rarity } from "./generated/prisma/client";
import type { GachaPrisma } from "./db";

/** A grant still to deliver, keyed by (drawId, index) like GrantItem itself. */
export interface PendingGrant {
  drawId: string;
  index: number;
  userId: bigint;
  itemId: number;
  itemName: string;
  rarity: Rarity;
  /** Failed deliveries so far. */
  attempts: number;
  /** W3C traceparent of the draw's span, when it was traced: the relay's delivery links to it. */
  traceparent?: string | null;
}

export interface DueRow extends PendingGrant {
  id: bigint;
}

const LAST_ERROR_MAX = 1024; // last_error VARCHAR(1024)
const micros = (ms: number) => Math.round(ms) * 1000;

// Times come from the database clock (NOW(3)), shared by every replica.
export function createOutboxRepository(prisma: GachaPrisma) {
  return {
    async listDue(limit: number): Promise<DueRow[]> {
      const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>`
        SELECT id, draw_id, item_index, user_id, item_id, item_name, rarity, attempts, traceparent FROM outbox
        WHERE delivered_at IS NULL AND next_attempt_at <= NOW(3) ORDER BY id LIMIT ${limit}`;
      return rows.map((r) => ({
        id: BigInt(r.id as bigint),
        drawId: String(r.draw_id),
        index: Number(r.item_index),
        userId: BigInt(r.user_id as bigint),
        itemId: Number(r.item_id),
        itemName: String(r.item_name),
        rarity: r.rarity as Rarity,
        attempts: Number(r.attempts),
        traceparent: r.traceparent == null ? null : String(r.traceparent),
      }));
    },

    /** Rows not yet delivered and the age of the oldest, by the database clock (for metrics). */
    async backlog(): Promise<{ pending: number; oldestAgeSeconds: number }> {
      const [row] = await prisma.$queryRaw<Array<{ pending: bigint | number; age_us: bigint | number | null }>>`
        SELECT COUNT(*) AS pending, TIMESTAMPDIFF(MICROSECOND, MIN(created_at), NOW(3)) AS age_us
        FROM outbox WHERE delivered_at IS NULL`;
      return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.age_us ?? 0) / 1e6) };
    },

    /** Takes a due row for leaseMs; true only for the one replica whose UPDATE matched. */
    async claim(id: bigint, leaseMs: number): Promise<boolean> {
      const n = await prisma.$executeRaw`
        UPDATE outbox SET next_attempt_at = NOW(3) + INTERVAL ${micros(leaseMs)} MICROSECOND
        WHERE id = ${id} AND delivered_at IS NULL AND next_attempt_at <= NOW(3)`;
      return n === 1;
    },

    async markDelivered(drawId: string, indexes: number[]): Promise<void> {
      if (indexes.length === 0) return;
      await prisma.$executeRaw`
        UPDATE outbox SET delivered_at = NOW(3)
        WHERE draw_id = ${drawId} AND item_index IN (${Prisma.join(indexes)}) AND delivered_at IS NULL`;
    },

    async markFailed(grant: PendingGrant, error: string, retryInMs: number): Promise<void> {
      await prisma.$executeRaw`
        UPDATE outbox SET attempts = attempts + 1, last_error = ${error.slice(0, LAST_ERROR_MAX)},
          next_attempt_at = NOW(3) + INTERVAL ${micros(retryInMs)} MICROSECOND
        WHERE draw_id = ${grant.drawId} AND item_index = ${grant.index} AND delivered_at IS NULL`;
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
