import { randomUUID } from "node:crypto";
import { alreadyExists, AppError } from "@gacha/runtime";
import { currentTraceparent } from "@gacha/telemetry";
import { status, type CallOptions } from "@grpc/grpc-js";
import type { gachaV1 } from "@gacha/proto";
import type { DrawRepository, StoredDraw } from "./draw-repository";
import { validateDrawRequest } from "./draw-request";
import type { GrantDelivery } from "./grant-delivery";
import type { Lottery } from "./lottery";
import type { GachaMetrics } from "./metrics";
import type { PoolItem } from "./pool";
import { toWireItem } from "./rarity";

export interface DrawDeps {
  draws: DrawRepository;
  lottery: Lottery<PoolItem>;
  delivery: GrantDelivery;
  /** Outbox rows wait this long before the relay may take them from the inline delivery. */
  leaseMs: number;
  metrics?: GachaMetrics;
}

/** Draw: pick, commit draw + history + outbox at once, then deliver inline (the relay covers failures). */
export async function draw(
  deps: DrawDeps,
  req: gachaV1.DrawRequest,
  parent?: CallOptions["parent"],
): Promise<gachaV1.DrawResponse> {
  const { userId, count, idempotencyKey, requestHash } = validateDrawRequest(req);
  const replay = (stored: StoredDraw) => {
    if (stored.requestHash !== requestHash)
      throw alreadyExists("Idempotency-Key was already used with a different request");
    return { drawId: stored.drawId, items: stored.items.map(toWireItem) };
  };
  if (idempotencyKey) {
    const stored = await deps.draws.findByIdempotencyKey(idempotencyKey);
    if (stored) return replay(stored);
  }
  const items = Array.from({ length: count }, () => deps.lottery.pick()).map(({ weight: _w, ...item }) => item);
  const drawId = randomUUID();
  const deliverAfter = new Date(Date.now() + deps.leaseMs);
  // The draw's span (tracing on) rides along in its outbox rows for a later relay delivery.
  const traceparent = currentTraceparent();
  const newDraw = { drawId, userId, count, idempotencyKey, requestHash, items, deliverAfter, traceparent };
  const outcome = await deps.draws.insert(newDraw);
  if (outcome === "duplicate") {
    // A concurrent request with the same key won the unique index: answer with its draw.
    const winner = idempotencyKey && (await deps.draws.findByIdempotencyKey(idempotencyKey));
    if (!winner) throw new AppError(status.ABORTED, "concurrent request with the same Idempotency-Key; retry");
    return replay(winner);
  }
  deps.metrics?.drawn(items);
  const grants = items.map((item, index) => ({ drawId, index, userId, ...item, attempts: 0 }));
  await deps.delivery.deliverDraw(drawId, grants, parent);
  return { drawId, items: items.map(toWireItem) };
}
