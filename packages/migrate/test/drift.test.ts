import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, migrationsDir, type TestDatabase } from "@gacha/testing";
import { migrate } from "../src/migrate";
import { diffShapes, shapeFromDatabase, shapeFromPrismaSchema, type SchemaShape } from "./schema-diff";

const schemaPath = (db: "gacha" | "item" | "auth") => path.resolve(__dirname, "../../../prisma", db, "schema.prisma");

describe.each(["gacha", "item", "auth"] as const)("the %s schema and its migrations", (db) => {
  let database: TestDatabase;
  let built: SchemaShape;
  beforeAll(async () => {
    database = await createTestDatabase(`drift_${db}`, db); // fresh, with the migrations applied
    built = await shapeFromDatabase(database.query, database.name);
  });
  afterAll(() => database?.drop());

  it("when the migrations are applied, then the database matches schema.prisma exactly", async () => {
    const declared = await shapeFromPrismaSchema(readFileSync(schemaPath(db), "utf8"));
    expect(Object.keys(declared).length).toBeGreaterThan(0);
    expect(diffShapes(declared, built)).toEqual([]);
  });
});

describe("the drift comparison itself", () => {
  let tmp: string;
  let database: TestDatabase;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(tmpdir(), "drift-"));
    database = await createTestDatabase("drift_neg");
  });
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await database?.drop();
  });

  it("when schema.prisma gains a field without a migration, then the difference is reported", async () => {
    const db = await createTestDatabase("drift_neg_a", "item");
    try {
      const edited = readFileSync(schemaPath("item"), "utf8").replace(
        '  itemName  String   @map("item_name") @db.VarChar(191)\n',
        '  itemName  String   @map("item_name") @db.VarChar(191)\n  level     Int      @default(1) @db.UnsignedSmallInt\n',
      );
      writeFileSync(path.join(tmp, "schema.prisma"), edited);
      const declared = await shapeFromPrismaSchema(readFileSync(path.join(tmp, "schema.prisma"), "utf8"));
      expect(diffShapes(declared, await shapeFromDatabase(db.query, db.name))).toEqual([
        "column inventories.level: in schema.prisma but not in the database",
      ]);
    } finally {
      await db.drop();
    }
  });

  it("when a migration changes the database without schema.prisma, then every difference is reported", async () => {
    const dir = path.join(tmp, "migrations");
    cpSync(migrationsDir("item"), dir, { recursive: true });
    mkdirSync(path.join(dir, "20991231000000_unmodelled"));
    writeFileSync(
      path.join(dir, "20991231000000_unmodelled", "migration.sql"),
      "ALTER TABLE `grants` ADD COLUMN `note` VARCHAR(20) NULL;\n" +
        "ALTER TABLE `inventories` MODIFY `item_name` VARCHAR(100) NOT NULL;\n" +
        "CREATE INDEX `grants_user_id_idx` ON `grants`(`user_id`);\n",
    );
    await migrate({ url: database.url, migrationsDir: dir });
    const declared = await shapeFromPrismaSchema(readFileSync(schemaPath("item"), "utf8"));
    expect(diffShapes(declared, await shapeFromDatabase(database.query, database.name))).toEqual([
      "column grants.note: in the database but not in schema.prisma",
      "index grants.grants_user_id_idx: in the database but not in schema.prisma",
      "column inventories.item_name: schema.prisma varchar(191) NOT NULL, database varchar(100) NOT NULL",
    ]);
  });
});
