import { createHash } from "node:crypto";
import {
  DRAW_COUNT,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  invalidArgument,
  validateUserId,
} from "@gacha/runtime";
import type { gachaV1 } from "@gacha/proto";

export interface ValidDrawRequest {
  userId: bigint;
  count: number;
  idempotencyKey: string | undefined;
  /** sha256 of the canonical request: what a reused idempotency key must match. */
  requestHash: string;
}

export function validateDrawRequest(req: gachaV1.DrawRequest): ValidDrawRequest {
  const userId = validateUserId(req.userId);
  const count = req.count === 0 ? DRAW_COUNT.default : req.count;
  if (count < DRAW_COUNT.min || count > DRAW_COUNT.max) {
    throw invalidArgument(`count must be between ${DRAW_COUNT.min} and ${DRAW_COUNT.max}`);
  }
  const idempotencyKey = req.idempotencyKey === "" ? undefined : req.idempotencyKey;
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
    throw invalidArgument(`idempotency_key must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`);
  }
  const requestHash = createHash("sha256").update(`${userId}:${count}`).digest("hex");
  return { userId, count, idempotencyKey, requestHash };
}
