import { invalidArgument } from "@gacha/runtime";

// uint64 on the wire, BIGINT UNSIGNED in the DB, but Prisma's BigInt is a
// signed 64-bit value: keep ids within what every layer can carry.
const MAX_USER_ID = 2n ** 63n - 1n;

export function validateUserId(userId: bigint): bigint {
  if (userId < 1n || userId > MAX_USER_ID) {
    throw invalidArgument("user_id must be a positive integer of at most 2^63-1");
  }
  return userId;
}
