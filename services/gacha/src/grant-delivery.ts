import { callUnary, isServiceError, type Logger } from "@gacha/runtime";
import { runLinked } from "@gacha/telemetry";
import { status, type CallOptions } from "@grpc/grpc-js";
import type { itemV1 } from "@gacha/proto";
import { backoffMs } from "./backoff";
import type { GachaMetrics } from "./metrics";
import type { OutboxRepository, PendingGrant } from "./outbox-repository";
import { toWireItem } from "./rarity";

export type SendGrant = (grant: PendingGrant, parent?: CallOptions["parent"]) => Promise<void>;

/** Calls item.v1.ItemService/GrantItem, idempotent per (draw_id, index), with a deadline. */
export function createGrantSender(client: itemV1.ItemServiceClient, deadlineMs: number): SendGrant {
  return async (g, parent) => {
    const req = { drawId: g.drawId, index: g.index, userId: g.userId, item: toWireItem(g) };
    await callUnary(client.grantItem.bind(client), req, { deadlineMs, ...(parent ? { parent } : {}) });
  };
}

/** How long a row belongs to whoever is delivering it; longer than any delivery can take. */
export const deliveryLeaseMs = (deadlineMs: number) => Math.max(5_000, 2 * deadlineMs);

export function createGrantDelivery(deps: {
  send: SendGrant;
  outbox: OutboxRepository;
  logger: Logger;
  metrics?: GachaMetrics;
}) {
  const { send, outbox, logger, metrics } = deps;
  const recordFailure = async (grant: PendingGrant, err: unknown) => {
    const attempts = grant.attempts + 1;
    const retryInMs = backoffMs(attempts);
    const error = describe(err);
    // An outage fails every row: one compact line each, no stack.
    logger.warn(
      { error, drawId: grant.drawId, index: grant.index, attempts, retryInMs },
      "grant delivery failed; left pending",
    );
    await outbox.markFailed(grant, error, retryInMs);
  };

  return {
    /** Delivers one row the caller has claimed; false when it failed and was rescheduled. */
    async deliverOne(grant: PendingGrant): Promise<boolean> {
      // A trace of its own, linked to the draw's span (the traceparent stored in the row).
      const attributes = {
        "gacha.draw_id": grant.drawId,
        "gacha.item_index": grant.index,
        "gacha.attempts": grant.attempts,
      };
      return runLinked("outbox deliver", grant.traceparent, attributes, async () => {
        try {
          await send(grant);
        } catch (err) {
          metrics?.delivered("relay", "failed");
          await recordFailure(grant, err);
          return false;
        }
        metrics?.delivered("relay", "delivered");
        await outbox.markDelivered(grant.drawId, [grant.index]);
        return true;
      });
    },

    /**
     * Delivers a just-committed draw's rows in parallel. Never throws: the draw
     * is already committed and the relay retries whatever is left pending.
     */
    async deliverDraw(drawId: string, grants: PendingGrant[], parent?: CallOptions["parent"]): Promise<void> {
      const results = await Promise.allSettled(grants.map((g) => send(g, parent)));
      const delivered = grants.filter((_, i) => results[i]?.status === "fulfilled").map((g) => g.index);
      const failed = results.flatMap((r, i) => (r.status === "rejected" ? [recordFailure(grants[i]!, r.reason)] : []));
      metrics?.delivered("inline", "delivered", delivered.length);
      metrics?.delivered("inline", "failed", failed.length);
      try {
        await Promise.all([outbox.markDelivered(drawId, delivered), ...failed]);
      } catch (err) {
        logger.warn({ err, drawId }, "could not record the inline delivery; the relay will redo it");
      }
    },
  };
}

export type GrantDelivery = ReturnType<typeof createGrantDelivery>;

function describe(err: unknown): string {
  if (isServiceError(err)) return `${status[err.code] ?? err.code}: ${err.details}`;
  return err instanceof Error ? err.message : String(err);
}
