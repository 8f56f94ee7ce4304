import { invalidArgument } from "@gacha/runtime";

// The version tag lets the format change without misreading old cursors.
const TAG = "h1:";
// histories.id is BIGINT UNSIGNED, but Prisma carries BigInt as signed 64-bit.
const MAX_ID = 2n ** 63n - 1n;

/** Opaque page cursor: base64url of "h1:<last history id>". */
export function encodeCursor(lastId: bigint): string {
  return Buffer.from(`${TAG}${lastId}`, "utf8").toString("base64url");
}

/** The history id a cursor points after; INVALID_ARGUMENT for anything this server did not issue. */
export function decodeCursor(cursor: string): bigint {
  const invalid = () => invalidArgument("cursor is invalid");
  // Buffer's decoder skips bad characters silently, so check the alphabet first.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // Round-trip check rejects non-canonical encodings of the same text.
  if (Buffer.from(text, "utf8").toString("base64url") !== cursor) throw invalid();
  if (!text.startsWith(TAG)) throw invalid();
  const digits = text.slice(TAG.length);
  if (!/^[1-9][0-9]{0,19}$/.test(digits)) throw invalid();
  const id = BigInt(digits);
  if (id > MAX_ID) throw invalid();
  return id;
}
