import { invalidArgument } from "./errors";

// The request rules of the gacha API, stated once. The gateway applies them to
// HTTP input (400) and gacha and item again to gRPC input (INVALID_ARGUMENT),
// because a gRPC client inside the cluster need not come through the gateway.
// Each service words its own message; the numbers come from here.

/** Items per draw. A draw's items are numbered 0..max-1: GrantItem's index. A count of 0 (proto3's unset) means the default. */
export const DRAW_COUNT = { min: 1, max: 10, default: 1 } as const;

/** Histories per page (GET /histories?limit=, GetHistories' limit). 0 or absent means the default. */
export const HISTORY_PAGE_LIMIT = { min: 1, max: 100, default: 20 } as const;

/** The longest Idempotency-Key: draws.idempotency_key is VARCHAR(255). */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** 1..255 printable ASCII (space to tilde): a header every proxy passes unchanged, one byte per character. */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x20-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

/** item_name is VARCHAR(191) in both databases (the pool file feeds it); MySQL counts characters (code points). */
export const ITEM_NAME_MAX_LENGTH = 191;

/**
 * user_id is uint64 on the wire and BIGINT UNSIGNED in the databases, but
 * Prisma's BigInt is a signed 64-bit value, so gRPC accepts 1..2^63-1. Over
 * HTTP only 1..2^53-1: larger JSON numbers are rounded by JSON.parse and by
 * most clients, so a user could silently become another.
 */
export const USER_ID = { min: 1n, max: 2n ** 63n - 1n, maxInJson: Number.MAX_SAFE_INTEGER } as const;

/** A gRPC request's user_id, or INVALID_ARGUMENT. */
export function validateUserId(userId: bigint): bigint {
  if (userId < USER_ID.min || userId > USER_ID.max) {
    throw invalidArgument("user_id must be a positive integer of at most 2^63-1");
  }
  return userId;
}
