import { itemV1 } from "@gacha/proto";
import type { Rarity as DbRarity } from "./generated/prisma/client";

// Rarity is itemV1.Rarity on the wire and the enum "N" | "R" | "SR" | "SSR" in the DB.
const toDb = new Map<itemV1.Rarity, DbRarity>([
  [itemV1.Rarity.RARITY_N, "N"],
  [itemV1.Rarity.RARITY_R, "R"],
  [itemV1.Rarity.RARITY_SR, "SR"],
  [itemV1.Rarity.RARITY_SSR, "SSR"],
]);
const fromDb = new Map<DbRarity, itemV1.Rarity>([...toDb].map(([wire, db]) => [db, wire]));

/** The DB enum value, or undefined for UNSPECIFIED / unknown numbers. */
export function rarityToDb(rarity: itemV1.Rarity): DbRarity | undefined {
  return toDb.get(rarity);
}

export function rarityFromDb(rarity: DbRarity): itemV1.Rarity {
  const wire = fromDb.get(rarity);
  // Only reachable if the DB enum gains a value the proto lacks.
  if (wire === undefined) throw new Error(`unknown rarity in database: ${rarity}`);
  return wire;
}
