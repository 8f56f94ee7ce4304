// Rarity is declared in the proto, the two Prisma schemas and their
// migrations. The names are derived from the proto in one place (src/rarity.ts);
// these tests keep the databases' declarations from drifting away from it.
import fs from "node:fs";
import path from "node:path";
import { itemV1, RARITY_NAMES, rarityFromName, rarityName, type RarityName } from "../src";

const repoRoot = path.resolve(__dirname, "../../..");
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

/** The values of `enum Rarity { ... }` in a Prisma schema, in order. */
function prismaEnum(schema: string): string[] {
  const body = /^enum Rarity \{([^}]*)\}/m.exec(schema)?.[1];
  if (body === undefined) throw new Error("no enum Rarity in the schema");
  return body
    .split("\n")
    .map((line) => line.replace(/\/\/.*/, "").trim())
    .filter(Boolean);
}

/** Every rarity ENUM('...') column a migration creates, as lists of values. */
function migrationEnums(sql: string): string[][] {
  return [...sql.matchAll(/`rarity` ENUM\(([^)]*)\)/g)].map((m) =>
    [...(m[1] ?? "").matchAll(/'([^']*)'/g)].map((v) => v[1]!),
  );
}

const migrationFiles = (db: string) =>
  fs
    .readdirSync(path.join(repoRoot, "prisma", db, "migrations"), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join("prisma", db, "migrations", e.name, "migration.sql"));

describe("rarity names", () => {
  it("when derived from the generated enum, then they are the proto's values without RARITY_, UNSPECIFIED excluded", () => {
    const proto = /enum Rarity \{([^}]*)\}/.exec(read("proto/item/v1/item.proto"))?.[1] ?? "";
    const declared = [...proto.matchAll(/RARITY_(\w+)\s*=\s*\d+;/g)]
      .map((m) => m[1])
      .filter((n) => n !== "UNSPECIFIED");
    expect(RARITY_NAMES).toEqual(declared);
    expect(RARITY_NAMES).toEqual(["N", "R", "SR", "SSR"]);
  });

  it.each(["gacha", "item"])(
    "when prisma/%s/schema.prisma is read, then its enum Rarity lists exactly these names",
    (db) => {
      expect(prismaEnum(read(`prisma/${db}/schema.prisma`))).toEqual(RARITY_NAMES);
    },
  );

  it.each(["gacha", "item"])(
    "when prisma/%s's migrations create rarity columns, then each ENUM lists exactly these names",
    (db) => {
      const enums = migrationFiles(db).flatMap((file) => migrationEnums(read(file)));
      expect(enums.length).toBeGreaterThan(0);
      for (const values of enums) expect(values).toEqual(RARITY_NAMES);
    },
  );
});

describe("rarityName and rarityFromName", () => {
  it.each([
    [itemV1.Rarity.RARITY_N, "N"],
    [itemV1.Rarity.RARITY_R, "R"],
    [itemV1.Rarity.RARITY_SR, "SR"],
    [itemV1.Rarity.RARITY_SSR, "SSR"],
  ] as const)("when the wire value is %s, then the name is %s and maps back", (wire, name) => {
    expect(rarityName(wire)).toBe(name);
    expect(rarityFromName(name)).toBe(wire);
  });

  it.each([itemV1.Rarity.RARITY_UNSPECIFIED, itemV1.Rarity.UNRECOGNIZED, 99 as itemV1.Rarity])(
    "when the wire value is %p (no rarity), then there is no name",
    (wire) => expect(rarityName(wire)).toBeUndefined(),
  );

  it.each(["UR", "UNSPECIFIED", "n"])("when the name %p is not a rarity, then rarityFromName throws", (name) => {
    expect(() => rarityFromName(name as RarityName)).toThrow(`unknown rarity: ${name}`);
  });
});
