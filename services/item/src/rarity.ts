import { rarityFromName, rarityName, type itemV1, type RarityName } from "@gacha/proto";
import type { Rarity as DbRarity } from "./generated/prisma/client";

// The DB enum is the proto's rarity names (@gacha/proto's rarity.ts); this
// fails to compile if prisma/item/schema.prisma ever lists other names.
const sameNames: [DbRarity, RarityName] extends [RarityName, DbRarity] ? true : never = true;
void sameNames;

/** The DB enum value, or undefined for UNSPECIFIED / unknown numbers. */
export const rarityToDb = (rarity: itemV1.Rarity): DbRarity | undefined => rarityName(rarity);

/** Throws for a value the proto lacks: only reachable if the DB enum gains one. */
export const rarityFromDb = (rarity: DbRarity): itemV1.Rarity => rarityFromName(rarity);
