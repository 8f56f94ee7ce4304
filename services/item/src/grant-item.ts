import { DRAW_COUNT, ITEM_NAME_MAX_LENGTH, invalidArgument, validateUserId } from "@gacha/runtime";
import { itemV1, RARITY_NAMES, rarityFromName } from "@gacha/proto";
import type { GrantRecord, InventoryRepository } from "./inventory-repository";
import { rarityToDb } from "./rarity";

// grants.draw_id is CHAR(36) (a UUID); MySQL counts characters (code points).
const DRAW_ID_MAX = 36;
const WIRE_RARITIES = RARITY_NAMES.map((name) => itemV1.rarityToJSON(rarityFromName(name))).join(", ");
const chars = (s: string) => [...s].length;

/**
 * Validates a grant completely before it reaches SQL: the repository uses
 * INSERT IGNORE, which would store a clamped or truncated value instead of
 * failing, so nothing out of range may get that far.
 */
export function validateGrant(req: itemV1.GrantItemRequest): GrantRecord {
  const { drawId, index, userId, item } = req;
  if (!drawId || chars(drawId) > DRAW_ID_MAX) {
    throw invalidArgument(`draw_id must be a non-empty string of at most ${DRAW_ID_MAX} characters`);
  }
  // A draw of n items numbers them 0..n-1.
  if (!Number.isInteger(index) || index < 0 || index >= DRAW_COUNT.max) {
    throw invalidArgument(`index must be between 0 and ${DRAW_COUNT.max - 1}`);
  }
  validateUserId(userId);
  if (!item) throw invalidArgument("item is required");
  if (!Number.isInteger(item.itemId) || item.itemId < 1) {
    throw invalidArgument("item.item_id must be a positive integer");
  }
  if (!item.itemName || chars(item.itemName) > ITEM_NAME_MAX_LENGTH) {
    throw invalidArgument(`item.item_name must be a non-empty string of at most ${ITEM_NAME_MAX_LENGTH} characters`);
  }
  const rarity = rarityToDb(item.rarity);
  if (!rarity) throw invalidArgument(`item.rarity must be one of ${WIRE_RARITIES}`);
  return { drawId, index, userId, itemId: item.itemId, itemName: item.itemName, rarity };
}

/** GrantItem: applies the grant exactly once per (draw_id, index). */
export async function grantItem(
  repo: InventoryRepository,
  req: itemV1.GrantItemRequest,
): Promise<itemV1.GrantItemResponse> {
  const applied = await repo.applyGrant(validateGrant(req));
  return { applied };
}
