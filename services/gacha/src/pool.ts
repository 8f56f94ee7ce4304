import { readFileSync } from "node:fs";
import { z } from "zod";
import { RARITY_NAMES } from "@gacha/proto";
import { ITEM_NAME_MAX_LENGTH } from "@gacha/runtime";
import type { Rarity } from "./generated/prisma/client";

export interface PoolItem {
  itemId: number;
  itemName: string;
  rarity: Rarity;
  weight: number;
}

// MySQL counts item_name in code points, not UTF-16 units.
const codePoints = (s: string) => [...s].length;
// item_id is INT UNSIGNED in the DB and uint32 on the wire.
const MAX_ITEM_ID = 2 ** 32 - 1;

const itemSchema = z.object({
  item_id: z.number().int().positive().max(MAX_ITEM_ID),
  item_name: z.string().refine((s) => codePoints(s) >= 1 && codePoints(s) <= ITEM_NAME_MAX_LENGTH, {
    message: `must be 1 to ${ITEM_NAME_MAX_LENGTH} characters`,
  }),
  rarity: z.enum(RARITY_NAMES),
  // Bounded so the prefix sums stay exact and crypto.randomInt (< 2^48) accepts the total.
  weight: z.number().int().positive().max(1_000_000_000),
});

const poolSchema = z.object({
  items: z
    .array(itemSchema)
    .min(1, "must not be empty")
    .superRefine((items, ctx) => {
      const seen = new Set<number>();
      items.forEach((item, i) => {
        if (seen.has(item.item_id)) {
          ctx.addIssue({ code: "custom", path: [i, "item_id"], message: `duplicate item_id ${item.item_id}` });
        }
        seen.add(item.item_id);
      });
    }),
});

/** Validates a parsed pool document; `source` names it in the error. */
export function parsePool(data: unknown, source: string): PoolItem[] {
  const result = poolSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${formatPath(issue.path, data)}: ${issue.message}`);
    throw new Error(`invalid gacha pool in ${source}:\n  ${lines.join("\n  ")}`);
  }
  return result.data.items.map((i) => ({
    itemId: i.item_id,
    itemName: i.item_name,
    rarity: i.rarity,
    weight: i.weight,
  }));
}

/** Reads and validates the pool file at start; throws (fail fast) when it is unusable. */
export function loadPool(file: string): PoolItem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read gacha pool file ${file}: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`gacha pool file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return parsePool(data, file);
}

// "items[3].weight (item_id 4)": names the entry an operator has to fix.
function formatPath(path: PropertyKey[], data: unknown): string {
  const [root, index, ...rest] = path;
  if (root !== "items" || typeof index !== "number") return path.map(String).join(".") || "(document)";
  const entry = (data as { items: Array<{ item_id?: unknown }> }).items[index];
  const id =
    entry && typeof entry === "object" && "item_id" in entry ? ` (item_id ${JSON.stringify(entry.item_id)})` : "";
  return `items[${index}]${rest.length ? "." + rest.map(String).join(".") : ""}${id}`;
}
