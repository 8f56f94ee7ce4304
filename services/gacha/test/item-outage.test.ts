import type { gachaV1, itemV1 } from "@gacha/proto";
import { createTestDatabase, startTcpForwarder, type TcpForwarder, type TestDatabase } from "@gacha/testing";
import type { ItemApp } from "../../item/src/app";
import type { GachaApp } from "../src/app";
import { drawOf, inventorySum, sleep, startGacha, startItem } from "./harness";

describe("gacha while the item service is down", () => {
  let gachaDb: TestDatabase;
  let itemDb: TestDatabase;
  // item's address, held by the test: nothing listens behind it until item starts
  let itemAddress: TcpForwarder;
  let item: { app: ItemApp; client: itemV1.ItemServiceClient } | undefined;
  let gacha: { app: GachaApp; client: gachaV1.GachaServiceClient };
  const userId = 77n;
  const pending = async () =>
    gachaDb.query<{ attempts: number; last_error: string | null }>(
      "SELECT attempts, last_error FROM outbox WHERE delivered_at IS NULL ORDER BY id",
    );

  beforeAll(async () => {
    [gachaDb, itemDb] = await Promise.all([createTestDatabase("gacha", "gacha"), createTestDatabase("item", "item")]);
    itemAddress = await startTcpForwarder(undefined);
    // The relay loop runs for real here, fast, so the test also covers it.
    gacha = await startGacha(gachaDb.url, `127.0.0.1:${itemAddress.port}`, {
      RELAY_INTERVAL_MS: "100",
      GRANT_DEADLINE_MS: "500",
    });
  });
  afterAll(async () => {
    gacha?.client.close();
    item?.client.close();
    await gacha?.app.close();
    await item?.app.close();
    await itemAddress?.close();
    await Promise.all([gachaDb?.drop(), itemDb?.drop()]);
  });

  it("when item is unreachable, then draws succeed and their grants stay pending with attempts recorded", async () => {
    for (const count of [3, 2, 1]) expect((await drawOf(gacha.client, { userId, count })).items).toHaveLength(count);
    const rows = await pending();
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.attempts >= 1 && /UNAVAILABLE/.test(r.last_error ?? ""))).toBe(true);
  });

  it("when item comes back, then the relay delivers every grant exactly once", async () => {
    item = await startItem(itemDb.url);
    itemAddress.forwardTo(item.app.port);
    const deadline = Date.now() + 15_000;
    while ((await pending()).length > 0 && Date.now() < deadline) {
      await gacha.app.relay.drainOnce();
      await sleep(200);
    }
    expect(await pending()).toEqual([]);
    const histories = await gachaDb.query<{ n: bigint }>("SELECT COUNT(*) n FROM histories WHERE user_id = ?", [
      userId,
    ]);
    expect(await inventorySum(item.client, userId)).toBe(Number(histories[0]!.n));
    expect(await inventorySum(item.client, userId)).toBe(6);
    const grants = await itemDb.query<{ n: bigint; d: bigint }>(
      "SELECT COUNT(*) n, COUNT(DISTINCT draw_id, item_index) d FROM grants WHERE user_id = ?",
      [userId],
    );
    expect(grants[0]).toEqual({ n: 6n, d: 6n });
  });
});
