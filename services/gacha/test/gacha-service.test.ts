import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import type { gachaV1, itemV1 } from "@gacha/proto";
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import type { ItemApp } from "../../item/src/app";
import type { GachaApp } from "../src/app";
import { drawOf, historiesOf, inventorySum, startGacha, startItem } from "./harness";

let nextUser = 5000n;
const newUser = () => nextUser++;
const count = async (db: TestDatabase, sql: string, params: unknown[]) =>
  Number((await db.query<{ n: bigint }>(sql, params))[0]!.n);

describe("gacha service over gRPC with the real item service and databases", () => {
  let gachaDb: TestDatabase;
  let itemDb: TestDatabase;
  let item: { app: ItemApp; client: itemV1.ItemServiceClient };
  let gacha: { app: GachaApp; client: gachaV1.GachaServiceClient };
  const draw = (req: Partial<gachaV1.DrawRequest> & { userId: bigint }) => drawOf(gacha.client, req);
  const histories = (req: Partial<gachaV1.GetHistoriesRequest> & { userId: bigint }) => historiesOf(gacha.client, req);

  beforeAll(async () => {
    [gachaDb, itemDb] = await Promise.all([createTestDatabase("gacha", "gacha"), createTestDatabase("item", "item")]);
    item = await startItem(itemDb.url);
    gacha = await startGacha(gachaDb.url, `127.0.0.1:${item.app.port}`);
  });
  afterAll(async () => {
    gacha?.client.close();
    item?.client.close();
    await gacha?.app.close();
    await item?.app.close();
    await Promise.all([gachaDb?.drop(), itemDb?.drop()]);
  });

  it("when a user draws 3, then 3 history rows and 3 delivered outbox rows exist and the inventory holds 3", async () => {
    const userId = newUser();
    const res = await draw({ userId, count: 3 });
    expect(res.drawId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.items).toHaveLength(3);
    expect(await count(gachaDb, "SELECT COUNT(*) n FROM histories WHERE draw_id = ?", [res.drawId])).toBe(3);
    const outbox = await gachaDb.query<{ delivered_at: Date | null; attempts: number }>(
      "SELECT delivered_at, attempts FROM outbox WHERE draw_id = ?",
      [res.drawId],
    );
    expect(outbox).toHaveLength(3);
    expect(outbox.every((r) => r.delivered_at !== null && r.attempts === 0)).toBe(true);
    expect(await inventorySum(item.client, userId)).toBe(3);
    const stored = await gachaDb.query<{ item_id: number }>(
      "SELECT item_id FROM histories WHERE draw_id = ? ORDER BY item_index",
      [res.drawId],
    );
    expect(stored.map((r) => r.item_id)).toEqual(res.items.map((i) => i.itemId));
  });

  it("when count is 0, then one item is drawn", async () => {
    expect((await draw({ userId: newUser(), count: 0 })).items).toHaveLength(1);
  });

  it.each([
    ["count 11", { userId: 1n, count: 11 }, /count must be between 1 and 10/],
    ["user_id 0", { userId: 0n, count: 1 }, /user_id must be a positive integer/],
    ["user_id 2^63", { userId: 2n ** 63n, count: 1 }, /user_id/],
    ["a 256-character key", { userId: 1n, idempotencyKey: "k".repeat(256) }, /idempotency_key/],
    ["a key with a newline", { userId: 1n, idempotencyKey: "a\nb" }, /idempotency_key/],
  ])("when a draw has %s, then it is INVALID_ARGUMENT", async (_case, req, message) => {
    await expect(draw(req)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringMatching(message),
    });
  });

  it("when 25 histories are read 10 at a time, then 3 pages come newest first with no gaps or duplicates", async () => {
    const userId = newUser();
    for (const n of [10, 10, 5]) await draw({ userId, count: n });
    const seen: gachaV1.History[] = [];
    const sizes: number[] = [];
    let cursor = "";
    do {
      const page = await histories({ userId, limit: 10, cursor });
      sizes.push(page.histories.length);
      seen.push(...page.histories);
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([10, 10, 5]);
    const rows = await gachaDb.query<{ draw_id: string; item_id: number }>(
      "SELECT draw_id, item_id FROM histories WHERE user_id = ? ORDER BY id DESC",
      [userId],
    );
    expect(seen.map((h) => [h.drawId, h.item!.itemId])).toEqual(rows.map((r) => [r.draw_id, r.item_id]));
    expect(seen.every((h) => h.createdAt instanceof Date)).toBe(true);
  });

  it("when limit is 0 or the user has no draws, then the default page or an empty one comes back", async () => {
    const userId = newUser();
    await draw({ userId, count: 10 });
    await draw({ userId, count: 10 });
    await draw({ userId, count: 1 });
    const first = await histories({ userId });
    expect(first.histories).toHaveLength(20);
    expect(first.nextCursor).not.toBe("");
    expect(await histories({ userId: newUser() })).toEqual({ histories: [], nextCursor: "" });
  });

  it.each([
    ["a cursor it did not issue", { cursor: "not-a-cursor!" }, "cursor is invalid"],
    ["a cursor with the wrong tag", { cursor: Buffer.from("h9:5").toString("base64url") }, "cursor is invalid"],
    ["limit 101", { limit: 101 }, "limit must be between 1 and 100"],
  ])("when histories are asked with %s, then it is INVALID_ARGUMENT", async (_case, req, details) => {
    await expect(histories({ userId: 1n, ...req })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details });
  });

  it("when a draw is repeated with the same key, then the same draw comes back and nothing new is written", async () => {
    const userId = newUser();
    const key = randomUUID();
    const first = await draw({ userId, count: 5, idempotencyKey: key });
    const again = await draw({ userId, count: 5, idempotencyKey: key });
    expect(again).toEqual(first);
    expect(await count(gachaDb, "SELECT COUNT(*) n FROM histories WHERE user_id = ?", [userId])).toBe(5);
    expect(await count(gachaDb, "SELECT COUNT(*) n FROM outbox WHERE user_id = ?", [userId])).toBe(5);
    expect(await inventorySum(item.client, userId)).toBe(5);
  });

  it("when a key is reused with a different count, then it is ALREADY_EXISTS", async () => {
    const userId = newUser();
    const key = randomUUID();
    await draw({ userId, count: 2, idempotencyKey: key });
    await expect(draw({ userId, count: 3, idempotencyKey: key })).rejects.toMatchObject({
      code: status.ALREADY_EXISTS,
      details: "Idempotency-Key was already used with a different request",
    });
  });

  it("when 20 requests with the same new key arrive at once, then exactly one draw happens", async () => {
    const userId = newUser();
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => draw({ userId, count: 4, idempotencyKey: key })),
    );
    expect(new Set(results.map((r) => r.drawId)).size).toBe(1);
    expect(results.every((r) => JSON.stringify(r.items) === JSON.stringify(results[0]!.items))).toBe(true);
    expect(await count(gachaDb, "SELECT COUNT(*) n FROM draws WHERE user_id = ?", [userId])).toBe(1);
    expect(await count(gachaDb, "SELECT COUNT(*) n FROM histories WHERE user_id = ?", [userId])).toBe(4);
    expect(await inventorySum(item.client, userId)).toBe(4);
  });

  it("when a delivered row is made due again, then drainOnce re-sends it and the grant still counts once", async () => {
    const userId = newUser();
    const { drawId } = await draw({ userId, count: 2 });
    await gachaDb.query(
      "UPDATE outbox SET delivered_at = NULL, next_attempt_at = NOW(3) - INTERVAL 1 SECOND WHERE draw_id = ?",
      [drawId],
    );
    expect(await gacha.app.relay.drainOnce()).toBe(2);
    expect(
      await count(gachaDb, "SELECT COUNT(*) n FROM outbox WHERE draw_id = ? AND delivered_at IS NULL", [drawId]),
    ).toBe(0);
    expect(await inventorySum(item.client, userId)).toBe(2);
    expect(await gacha.app.relay.drainOnce()).toBe(0);
  });
});
