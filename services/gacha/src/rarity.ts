import { itemV1, rarityFromName, type RarityName } from "@gacha/proto";
import type { Rarity as DbRarity } from "./generated/prisma/client";

// The DB enum is the proto's rarity names (@gacha/proto's rarity.ts); this
// fails to compile if prisma/gacha/schema.prisma ever lists other names.
const sameNames: [DbRarity, RarityName] extends [RarityName, DbRarity] ? true : never = true;
void sameNames;

/** A drawn item as gRPC carries it. */
export const toWireItem = (i: { itemId: number; itemName: string; rarity: DbRarity }): itemV1.Item => ({
  itemId: i.itemId,
  itemName: i.itemName,
  rarity: rarityFromName(i.rarity),
});
