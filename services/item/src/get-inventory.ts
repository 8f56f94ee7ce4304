import { validateUserId } from "@gacha/runtime";
import type { itemV1 } from "@gacha/proto";
import type { InventoryRepository } from "./inventory-repository";
import { rarityFromDb } from "./rarity";

/** GetInventory: a user's items by item_id; an unknown user simply owns nothing. */
export async function getInventory(
  repo: InventoryRepository,
  req: itemV1.GetInventoryRequest,
): Promise<itemV1.GetInventoryResponse> {
  const rows = await repo.listInventory(validateUserId(req.userId));
  return {
    items: rows.map((r) => ({
      item: { itemId: r.itemId, itemName: r.itemName, rarity: rarityFromDb(r.rarity) },
      count: r.count,
    })),
  };
}
