import { createHash } from "node:crypto";
import { invalidArgument } from "@gacha/runtime";
import type { gachaV1 } from "@gacha/proto";
import { validateUserId } from "./user-id";

export const MAX_DRAW_COUNT = 10;
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/; // printable ASCII, fits VARCHAR(255)

export interface ValidDrawRequest {
  userId: bigint;
  count: number;
  idempotencyKey: string | undefined;
  /** sha256 of the canonical request: what a reused idempotency key must match. */
  requestHash: string;
}

export function validateDrawRequest(req: gachaV1.DrawRequest): ValidDrawRequest {
  const userId = validateUserId(req.userId);
  const count = req.count === 0 ? 1 : req.count;
  if (count < 1 || count > MAX_DRAW_COUNT) throw invalidArgument(`count must be between 1 and ${MAX_DRAW_COUNT}`);
  const idempotencyKey = req.idempotencyKey === "" ? undefined : req.idempotencyKey;
  if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw invalidArgument("idempotency_key must be at most 255 printable ASCII characters");
  }
  const requestHash = createHash("sha256").update(`${userId}:${count}`).digest("hex");
  return { userId, count, idempotencyKey, requestHash };
}
