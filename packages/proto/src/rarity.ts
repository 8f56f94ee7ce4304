// Rarity names, derived from the generated item.v1.Rarity: the one place that
// says "RARITY_SSR on the wire is SSR everywhere else". The pool file, both
// databases' ENUM columns and the HTTP API spell a rarity as its proto name
// without the RARITY_ prefix; packages/proto/test/rarity.test.ts checks that
// the Prisma enums and migrations list exactly these names.
import { Rarity, rarityFromJSON, rarityToJSON } from "./gen/item/v1/item";

const PREFIX = "RARITY_";

type NameOf<K> = K extends `${typeof PREFIX}${infer Name}` ? Name : never;

/** "N" | "R" | "SR" | "SSR": the proto's enum keys without the prefix, UNSPECIFIED excluded. */
export type RarityName = Exclude<NameOf<keyof typeof Rarity>, "UNSPECIFIED">;

/** Every rarity name, in the proto's order (commonest first). */
export const RARITY_NAMES = Object.values(Rarity)
  .filter((r): r is Rarity => typeof r === "number" && r > Rarity.RARITY_UNSPECIFIED)
  .sort((a, b) => a - b)
  .map((r) => rarityToJSON(r).slice(PREFIX.length)) as [RarityName, ...RarityName[]];

const names: ReadonlySet<string> = new Set(RARITY_NAMES);

/** The name of a wire value; undefined for RARITY_UNSPECIFIED and numbers the proto does not define. */
export function rarityName(rarity: Rarity): RarityName | undefined {
  const name = rarityToJSON(rarity).slice(PREFIX.length);
  return names.has(name) ? (name as RarityName) : undefined;
}

/** The wire value of a name; throws for a name the proto lacks (only a schema out of step can produce one). */
export function rarityFromName(name: RarityName): Rarity {
  if (!names.has(name)) throw new Error(`unknown rarity: ${String(name)}`);
  return rarityFromJSON(`${PREFIX}${name}`);
}
