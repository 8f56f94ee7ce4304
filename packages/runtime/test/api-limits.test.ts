import fs from "node:fs";
import path from "node:path";
import { status } from "@grpc/grpc-js";
import {
  AppError,
  DRAW_COUNT,
  HISTORY_PAGE_LIMIT,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  IDEMPOTENCY_KEY_PATTERN,
  ITEM_NAME_MAX_LENGTH,
  USER_ID,
  validateUserId,
} from "../src";

const repoRoot = path.resolve(__dirname, "../../..");
/** Every migration of one database, concatenated: the columns the limits must fit. */
const migrations = (db: "gacha" | "item") => {
  const dir = path.join(repoRoot, "prisma", db, "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => fs.readFileSync(path.join(dir, e.name, "migration.sql"), "utf8"))
    .join("\n");
};
const columnTypes = (sql: string, column: string) =>
  [...sql.matchAll(new RegExp(`\`${column}\` ([A-Z]+(\\(\\d+\\))?( UNSIGNED)?)`, "g"))].map((m) => m[1]);

describe("the API's limits against the columns that store them", () => {
  it("when the idempotency key's longest value is compared with draws.idempotency_key, then they agree", () => {
    expect(columnTypes(migrations("gacha"), "idempotency_key")).toEqual([`VARCHAR(${IDEMPOTENCY_KEY_MAX_LENGTH})`]);
  });

  it("when the longest item name is compared with every item_name column, then they agree", () => {
    const types = [...columnTypes(migrations("gacha"), "item_name"), ...columnTypes(migrations("item"), "item_name")];
    expect(types.length).toBe(3); // histories, outbox, inventories
    for (const t of types) expect(t).toBe(`VARCHAR(${ITEM_NAME_MAX_LENGTH})`);
  });

  it("when the largest draw is compared with draws.count and every item_index, then TINYINT UNSIGNED holds it", () => {
    const types = [
      ...columnTypes(migrations("gacha"), "count"),
      ...columnTypes(migrations("gacha"), "item_index"),
      ...columnTypes(migrations("item"), "item_index"),
    ];
    expect(types).toEqual(Array(types.length).fill("TINYINT UNSIGNED"));
    expect(DRAW_COUNT.max).toBeLessThanOrEqual(255);
  });

  it("when the defaults are read, then each lies within its own range", () => {
    for (const range of [DRAW_COUNT, HISTORY_PAGE_LIMIT]) {
      expect(range.default).toBeGreaterThanOrEqual(range.min);
      expect(range.default).toBeLessThanOrEqual(range.max);
    }
  });
});

describe("IDEMPOTENCY_KEY_PATTERN", () => {
  it.each([
    ["a space", " "],
    ["a tilde", "~"],
    ["order-42", "order-42"],
    ["255 characters", "k".repeat(255)],
  ])("when the key is %s, then it matches", (_case, key) => {
    expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(true);
  });
  it.each([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["non-ASCII", "café"],
    ["a tab", "a\tb"],
    ["a newline", "a\nb"],
    ["DEL", "\x7f"],
  ])("when the key is %s, then it does not match", (_case, key) => {
    expect(IDEMPOTENCY_KEY_PATTERN.test(key)).toBe(false);
  });
});

describe("validateUserId", () => {
  it("when user_id is 1 or 2^63-1, then it is returned", () => {
    expect(validateUserId(1n)).toBe(1n);
    expect(validateUserId(USER_ID.max)).toBe(2n ** 63n - 1n);
  });
  it.each([0n, 2n ** 63n, 2n ** 64n - 1n])("when user_id is %p, then INVALID_ARGUMENT", (userId) => {
    let thrown: unknown;
    try {
      validateUserId(userId);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe(status.INVALID_ARGUMENT);
  });
  it("when the JSON limit is compared with the gRPC one, then it is 2^53-1 and below it", () => {
    expect(USER_ID.maxInJson).toBe(2 ** 53 - 1);
    expect(BigInt(USER_ID.maxInJson)).toBeLessThan(USER_ID.max);
  });
});
