import { rarityName, type itemV1, type RarityName } from "@gacha/proto";

// gRPC messages → the HTTP API's snake_case JSON.

export interface ItemJson {
  item_id: number;
  item_name: string;
  rarity: RarityName;
}

/** An upstream that sends no item or an unknown rarity is a bug: a 500, not a guess. */
export function itemJson(item: itemV1.Item | undefined): ItemJson {
  const rarity = item && rarityName(item.rarity);
  if (!item || !rarity) throw new Error(`upstream sent an invalid item: ${JSON.stringify(item)}`);
  return { item_id: item.itemId, item_name: item.itemName, rarity };
}

/** uint64 counts fit a JSON number: no user holds 2^53 items. */
export function countJson(count: bigint): number {
  return Number(count);
}

export function timestampJson(date: Date | undefined): string {
  if (!date) throw new Error("upstream sent a history without created_at");
  return date.toISOString();
}
