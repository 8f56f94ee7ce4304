import { invalidArgument } from "@gacha/runtime";
import type { itemV1 } from "@gacha/proto";
import type { GrantRecord, InventoryRepository } from "./inventory-repository";
import { rarityToDb } from "./rarity";
import { validateUserId } from "./user-id";

const MAX_ITEMS_PER_DRAW = 10;
// Column sizes in prisma/item/schema.prisma; MySQL counts characters (code points).
const DRAW_ID_MAX = 36;
const ITEM_NAME_MAX = 191;
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
  if (!Number.isInteger(index) || index < 0 || index >= MAX_ITEMS_PER_DRAW) {
    throw invalidArgument(`index must be between 0 and ${MAX_ITEMS_PER_DRAW - 1}`);
  }
  validateUserId(userId);
  if (!item) throw invalidArgument("item is required");
  if (!Number.isInteger(item.itemId) || item.itemId < 1) {
    throw invalidArgument("item.item_id must be a positive integer");
  }
  if (!item.itemName || chars(item.itemName) > ITEM_NAME_MAX) {
    throw invalidArgument(`item.item_name must be a non-empty string of at most ${ITEM_NAME_MAX} characters`);
  }
  const rarity = rarityToDb(item.rarity);
  if (!rarity) throw invalidArgument("item.rarity must be one of RARITY_N, RARITY_R, RARITY_SR, RARITY_SSR");
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
