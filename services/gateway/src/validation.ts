import { z } from "zod";
import { badRequest } from "./http-errors";

const USER_ID_MESSAGE = "user_id must be a positive integer";
const COUNT_MESSAGE = "count must be an integer from 1 to 10";
const LIMIT_MESSAGE = "limit must be an integer from 1 to 100";

// user_id is a uint64 in gRPC and the databases, but over JSON we accept only
// 1..Number.MAX_SAFE_INTEGER (2^53 - 1): larger JSON numbers are rounded by
// JSON.parse here and by most clients, so a user could silently become another.
const userId = z
  .number({ error: USER_ID_MESSAGE })
  .int({ error: USER_ID_MESSAGE })
  .min(1, { error: USER_ID_MESSAGE })
  .max(Number.MAX_SAFE_INTEGER, { error: USER_ID_MESSAGE });

const drawBody = z.strictObject({
  user_id: userId,
  count: z.number({ error: COUNT_MESSAGE }).int({ error: COUNT_MESSAGE }).min(1, { error: COUNT_MESSAGE }).max(10, { error: COUNT_MESSAGE }).optional(),
});

export interface DrawInput {
  userId: bigint;
  count: number;
}

/** Validates a POST /draw body (already JSON-parsed). */
export function parseDrawBody(body: unknown): DrawInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("request body must be a JSON object");
  }
  const result = drawBody.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === "unrecognized_keys") throw badRequest(`unknown field: ${issue.keys.join(", ")}`);
    throw badRequest(issue?.message ?? "invalid request body");
  }
  return { userId: BigInt(result.data.user_id), count: result.data.count ?? 1 };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Validates the `:user_id` path segment (same range as the body's user_id). */
export function parseUserIdParam(raw: unknown): bigint {
  if (typeof raw !== "string" || !/^[1-9][0-9]{0,15}$/.test(raw) || BigInt(raw) > MAX_SAFE) {
    throw badRequest(USER_ID_MESSAGE);
  }
  return BigInt(raw);
}

/** `?limit=`: absent means 20; anything but one decimal 1..100 is a 400 (repeats arrive as arrays). */
export function parseLimit(raw: unknown): number {
  if (raw === undefined) return 20;
  if (typeof raw !== "string" || !/^[1-9][0-9]{0,2}$/.test(raw) || Number(raw) > 100) {
    throw badRequest(LIMIT_MESSAGE);
  }
  return Number(raw);
}

/** `?cursor=`: opaque, passed through; gacha rejects one it did not issue. */
export function parseCursor(raw: unknown): string {
  if (raw === undefined) return "";
  if (typeof raw !== "string") throw badRequest("cursor must be given once");
  return raw;
}

// Printable ASCII (space to tilde), as in a header that every proxy passes unchanged.
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** The optional Idempotency-Key header; "" when absent. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string {
  if (raw === undefined) return "";
  if (typeof raw !== "string" || !IDEMPOTENCY_KEY.test(raw)) {
    throw badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters");
  }
  return raw;
}
