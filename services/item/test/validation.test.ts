import { status } from "@grpc/grpc-js";
import { itemV1 } from "@gacha/proto";
import { AppError, validateUserId } from "@gacha/runtime";
import { validateGrant } from "../src/grant-item";
import { rarityFromDb, rarityToDb } from "../src/rarity";

const valid: itemV1.GrantItemRequest = {
  drawId: "3f2c1a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
  index: 0,
  userId: 1n,
  item: { itemId: 1, itemName: "Sword", rarity: itemV1.Rarity.RARITY_SSR },
};

function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an AppError");
}

describe("validateGrant", () => {
  it("when the grant is valid, then it returns the DB record", () => {
    expect(validateGrant(valid)).toEqual({
      drawId: valid.drawId,
      index: 0,
      userId: 1n,
      itemId: 1,
      itemName: "Sword",
      rarity: "SSR",
    });
  });

  it("when index is 9 and user_id is 2^63-1, then they are accepted (upper bounds)", () => {
    expect(validateGrant({ ...valid, index: 9, userId: 2n ** 63n - 1n }).index).toBe(9);
  });

  it("when the item name has 191 characters outside the BMP, then it is accepted (MySQL counts characters)", () => {
    expect(validateGrant({ ...valid, item: { ...valid.item!, itemName: "😀".repeat(191) } }).itemName).toHaveLength(
      382,
    );
  });

  it.each<[string, Partial<itemV1.GrantItemRequest>, RegExp]>([
    ["draw_id is empty", { drawId: "" }, /^draw_id/],
    ["draw_id is longer than 36", { drawId: "x".repeat(37) }, /^draw_id/],
    ["index is 10", { index: 10 }, /^index/],
    ["user_id is 0", { userId: 0n }, /^user_id/],
    ["user_id is above 2^63-1", { userId: 2n ** 63n }, /^user_id/],
    ["item is missing", { item: undefined }, /^item is required/],
    ["item_id is 0", { item: { ...valid.item!, itemId: 0 } }, /^item\.item_id/],
    ["item_name is empty", { item: { ...valid.item!, itemName: "" } }, /^item\.item_name/],
    ["item_name is longer than 191", { item: { ...valid.item!, itemName: "a".repeat(192) } }, /^item\.item_name/],
    ["rarity is unspecified", { item: { ...valid.item!, rarity: itemV1.Rarity.RARITY_UNSPECIFIED } }, /^item\.rarity/],
    ["rarity is an unknown number", { item: { ...valid.item!, rarity: 99 as itemV1.Rarity } }, /^item\.rarity/],
  ])("when %s, then INVALID_ARGUMENT names the field", (_case, patch, message) => {
    const err = rejection(() => validateGrant({ ...valid, ...patch }));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.message).toMatch(message);
  });
});

describe("validateUserId", () => {
  it("when user_id is 0, then INVALID_ARGUMENT", () => {
    expect(rejection(() => validateUserId(0n)).code).toBe(status.INVALID_ARGUMENT);
  });
});

describe("rarity mapping", () => {
  it.each([
    [itemV1.Rarity.RARITY_N, "N"],
    [itemV1.Rarity.RARITY_R, "R"],
    [itemV1.Rarity.RARITY_SR, "SR"],
    [itemV1.Rarity.RARITY_SSR, "SSR"],
  ] as const)("when the wire value is %s, then the DB value is %s and maps back", (wire, db) => {
    expect(rarityToDb(wire)).toBe(db);
    expect(rarityFromDb(db)).toBe(wire);
  });

  it("when the wire value is UNSPECIFIED or UNRECOGNIZED, then there is no DB value", () => {
    expect(rarityToDb(itemV1.Rarity.RARITY_UNSPECIFIED)).toBeUndefined();
    expect(rarityToDb(itemV1.Rarity.UNRECOGNIZED)).toBeUndefined();
  });
});
