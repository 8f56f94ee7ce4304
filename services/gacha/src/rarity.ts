import { itemV1 } from "@gacha/proto";
import type { Rarity as DbRarity } from "./generated/prisma/client";

// Rarity is the enum "N" | "R" | "SR" | "SSR" in the pool file and the DB, itemV1.Rarity on the wire.
const toWire: Record<DbRarity, itemV1.Rarity> = {
  N: itemV1.Rarity.RARITY_N,
  R: itemV1.Rarity.RARITY_R,
  SR: itemV1.Rarity.RARITY_SR,
  SSR: itemV1.Rarity.RARITY_SSR,
};

export const rarityToWire = (rarity: DbRarity): itemV1.Rarity => toWire[rarity];

/** A drawn item as gRPC carries it. */
export const toWireItem = (i: { itemId: number; itemName: string; rarity: DbRarity }): itemV1.Item => ({
  itemId: i.itemId,
  itemName: i.itemName,
  rarity: rarityToWire(i.rarity),
});
