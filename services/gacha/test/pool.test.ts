import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadPool, parsePool } from "../src/pool";
import { loadGachaConfig } from "../src/config";

const slime = { item_id: 1, item_name: "Slime", rarity: "N", weight: 600 };
const dragon = { item_id: 2, item_name: "Dragon", rarity: "SSR", weight: 10 };
const parse = (items: unknown[]) => parsePool({ items }, "pool.json");

describe("pool", () => {
  it("when the shipped pool file is loaded, then it has items of every rarity and SSR is rare", () => {
    const pool = loadPool(loadGachaConfig({}).GACHA_POOL_FILE);
    expect(new Set(pool.map((i) => i.rarity))).toEqual(new Set(["N", "R", "SR", "SSR"]));
    const total = pool.reduce((s, i) => s + i.weight, 0);
    const ssr = pool.filter((i) => i.rarity === "SSR").reduce((s, i) => s + i.weight, 0);
    expect(ssr / total).toBeGreaterThanOrEqual(0.01);
    expect(ssr / total).toBeLessThanOrEqual(0.03);
  });

  it("when the pool is valid, then it is mapped to camelCase items", () => {
    expect(parse([slime, dragon])).toEqual([
      { itemId: 1, itemName: "Slime", rarity: "N", weight: 600 },
      { itemId: 2, itemName: "Dragon", rarity: "SSR", weight: 10 },
    ]);
  });

  it.each([
    ["empty", [], /items: must not be empty/],
    ["a zero weight", [{ ...slime, weight: 0 }], /items\[0\]\.weight \(item_id 1\)/],
    ["a fractional weight", [{ ...slime, weight: 1.5 }], /items\[0\]\.weight/],
    ["a negative item_id", [{ ...slime, item_id: -1 }], /items\[0\]\.item_id \(item_id -1\)/],
    [
      "a duplicate item_id",
      [slime, { ...dragon, item_id: 1 }],
      /items\[1\]\.item_id \(item_id 1\): duplicate item_id 1/,
    ],
    ["an empty name", [{ ...slime, item_name: "" }], /items\[0\]\.item_name.*1 to 191/],
    ["a name of 192 characters", [{ ...slime, item_name: "x".repeat(192) }], /items\[0\]\.item_name/],
    ["an unknown rarity", [slime, { ...dragon, rarity: "UR" }], /items\[1\]\.rarity \(item_id 2\)/],
    ["a missing weight", [{ item_id: 1, item_name: "Slime", rarity: "N" }], /items\[0\]\.weight/],
  ])("when the pool has %s, then it is rejected naming the file and the entry", (_case, items, message) => {
    expect(() => parse(items)).toThrow(/invalid gacha pool in pool\.json/);
    expect(() => parse(items)).toThrow(message);
  });

  it("when a name has 191 emoji (382 UTF-16 units), then it is accepted as 191 characters", () => {
    expect(parse([{ ...slime, item_name: "🐉".repeat(191) }])[0]!.itemName).toHaveLength(382);
  });

  it("when the file is missing or not JSON, then loading fails naming the file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pool-"));
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, "{ nope");
    expect(() => loadPool(path.join(dir, "missing.json"))).toThrow(/cannot read gacha pool file .*missing\.json/);
    expect(() => loadPool(bad)).toThrow(/bad\.json is not valid JSON/);
  });
});
