import { z } from "zod";
import {
  DRAW_COUNT,
  HISTORY_PAGE_LIMIT,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  USER_ID,
  badRequest,
  parseBody,
} from "@gacha/runtime";

const USER_ID_MESSAGE = "user_id must be a positive integer";
const COUNT_MESSAGE = `count must be an integer from ${DRAW_COUNT.min} to ${DRAW_COUNT.max}`;
const LIMIT_MESSAGE = `limit must be an integer from ${HISTORY_PAGE_LIMIT.min} to ${HISTORY_PAGE_LIMIT.max}`;

// Over JSON user_id stops at 2^53-1 (USER_ID.maxInJson says why).
const userId = z
  .number({ error: USER_ID_MESSAGE })
  .int({ error: USER_ID_MESSAGE })
  .min(Number(USER_ID.min), { error: USER_ID_MESSAGE })
  .max(USER_ID.maxInJson, { error: USER_ID_MESSAGE });

const count = z
  .number({ error: COUNT_MESSAGE })
  .int({ error: COUNT_MESSAGE })
  .min(DRAW_COUNT.min, { error: COUNT_MESSAGE })
  .max(DRAW_COUNT.max, { error: COUNT_MESSAGE });

const drawBody = z.strictObject({ user_id: userId.optional(), count: count.optional() });

export interface DrawInput {
  /** Absent: the draw is for the signed-in user. */
  userId?: bigint;
  count: number;
}

/** Validates a POST /draw body (already JSON-parsed). */
export function parseDrawBody(body: unknown): DrawInput {
  const { user_id, count: n } = parseBody(drawBody, body);
  return { ...(user_id === undefined ? {} : { userId: BigInt(user_id) }), count: n ?? DRAW_COUNT.default };
}

/**
 * A canonical decimal in min..max, or undefined: no sign, no leading zero, no
 * exponent or spaces, and no more digits than max has (so BigInt never sees a
 * huge string).
 */
function decimalInRange(raw: unknown, min: bigint, max: bigint): bigint | undefined {
  if (typeof raw !== "string" || !/^[1-9][0-9]*$/.test(raw) || raw.length > String(max).length) return undefined;
  const value = BigInt(raw);
  return value >= min && value <= max ? value : undefined;
}

/** Validates the `:user_id` path segment (same range as the body's user_id). */
export function parseUserIdParam(raw: unknown): bigint {
  const value = decimalInRange(raw, USER_ID.min, BigInt(USER_ID.maxInJson));
  if (value === undefined) throw badRequest(USER_ID_MESSAGE);
  return value;
}

/** `?limit=`: absent means the default page size; anything but one canonical decimal in range is a 400 (repeats arrive as arrays). */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) return HISTORY_PAGE_LIMIT.default;
  const value = decimalInRange(raw, BigInt(HISTORY_PAGE_LIMIT.min), BigInt(HISTORY_PAGE_LIMIT.max));
  if (value === undefined) throw badRequest(LIMIT_MESSAGE);
  return Number(value);
}

/** `?cursor=`: opaque, passed through; gacha rejects one it did not issue. */
export function parseCursor(raw: unknown): string {
  if (raw === undefined) return "";
  if (typeof raw !== "string") throw badRequest("cursor must be given once");
  return raw;
}

/** The optional Idempotency-Key header; "" when absent. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string {
  if (raw === undefined) return "";
  if (typeof raw !== "string" || !IDEMPOTENCY_KEY_PATTERN.test(raw)) {
    throw badRequest(`Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`);
  }
  return raw;
}
