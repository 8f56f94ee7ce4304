import { randomUUID } from "node:crypto";
import { credentials, loadPackageDefinition, status, type ServiceError } from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { itemV1 } from "@gacha/proto";
import { callUnary, createLogger } from "@gacha/runtime";
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import { createItemApp, type ItemApp } from "../src/app";
import { loadItemConfig } from "../src/config";

const logger = createLogger("item-test", { level: process.env.TEST_LOG_LEVEL ?? "silent" });
const sword = { itemId: 7, itemName: "Sword", rarity: itemV1.Rarity.RARITY_SR };
let nextUser = 1000n;
const newUser = () => nextUser++;

async function startItem(databaseUrl: string): Promise<{ app: ItemApp; client: itemV1.ItemServiceClient }> {
  const config = loadItemConfig({ ITEM_DATABASE_URL: databaseUrl, GRPC_HOST: "127.0.0.1", ITEM_GRPC_PORT: "0" });
  const app = await createItemApp(config, logger);
  const client = new itemV1.ItemServiceClient(`127.0.0.1:${app.port}`, credentials.createInsecure());
  return { app, client };
}

describe("item service over gRPC with a real database", () => {
  let db: TestDatabase;
  let app: ItemApp;
  let client: itemV1.ItemServiceClient;
  const grant = (req: itemV1.GrantItemRequest) => callUnary(client.grantItem.bind(client), req, { deadlineMs: 10_000 });
  const inventory = (userId: bigint) => callUnary(client.getInventory.bind(client), { userId }, { deadlineMs: 5_000 });

  beforeAll(async () => {
    db = await createTestDatabase("item", "item");
    ({ app, client } = await startItem(db.url));
  });
  afterAll(async () => {
    client?.close();
    await app?.close();
    await db?.drop();
  });

  it("when an item is granted, then the inventory lists it with count 1", async () => {
    const userId = newUser();
    const res = await grant({ drawId: randomUUID(), index: 0, userId, item: sword });
    expect(res).toEqual({ applied: true });
    expect(await inventory(userId)).toEqual({ items: [{ item: sword, count: 1n }] });
  });

  it("when a user owns several items, then they are ordered by item_id", async () => {
    const userId = newUser();
    const shield = { itemId: 3, itemName: "Shield", rarity: itemV1.Rarity.RARITY_N };
    const drawId = randomUUID();
    await grant({ drawId, index: 0, userId, item: sword });
    await grant({ drawId, index: 1, userId, item: shield });
    await grant({ drawId, index: 2, userId, item: sword });
    expect(await inventory(userId)).toEqual({
      items: [
        { item: shield, count: 1n },
        { item: sword, count: 2n },
      ],
    });
  });

  it("when the same grant arrives twice, then it counts once and the second reports applied=false", async () => {
    const userId = newUser();
    const req = { drawId: randomUUID(), index: 3, userId, item: sword };
    expect(await grant(req)).toEqual({ applied: true });
    expect(await grant(req)).toEqual({ applied: false });
    expect(await inventory(userId)).toEqual({ items: [{ item: sword, count: 1n }] });
    const rows = await db.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM grants WHERE draw_id = ?", [req.drawId]);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it("when 200 distinct grants of one new item arrive at once, then all 200 count", async () => {
    const userId = newUser();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => grant({ drawId: randomUUID(), index: 0, userId, item: sword })),
    );
    expect(results.every((r) => r.applied)).toBe(true);
    expect(await inventory(userId)).toEqual({ items: [{ item: sword, count: 200n }] });
  });

  it("when an owned item is granted again under a new name and rarity, then the count grows and the entry shows the newest", async () => {
    const userId = newUser();
    const renamed = { ...sword, itemName: "Sword of Dawn", rarity: itemV1.Rarity.RARITY_SSR };
    await grant({ drawId: randomUUID(), index: 0, userId, item: sword });
    await grant({ drawId: randomUUID(), index: 0, userId, item: renamed });
    expect(await inventory(userId)).toEqual({ items: [{ item: renamed, count: 2n }] });
  });

  it("when 50 copies of one grant arrive at once, then it counts once and exactly one reports applied", async () => {
    const userId = newUser();
    const req = { drawId: randomUUID(), index: 9, userId, item: sword };
    const results = await Promise.all(Array.from({ length: 50 }, () => grant(req)));
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    expect(await inventory(userId)).toEqual({ items: [{ item: sword, count: 1n }] });
  });

  it("when the user owns nothing, then the inventory is empty (not NOT_FOUND)", async () => {
    expect(await inventory(newUser())).toEqual({ items: [] });
  });

  it.each<[string, Partial<itemV1.GrantItemRequest>, string]>([
    ["user_id is 0", { userId: 0n }, "user_id"],
    ["item is missing", { item: undefined }, "item"],
    ["rarity is unspecified", { item: { ...sword, rarity: itemV1.Rarity.RARITY_UNSPECIFIED } }, "item.rarity"],
    ["draw_id is empty", { drawId: "" }, "draw_id"],
    ["index is 10", { index: 10 }, "index"],
  ])(
    "when %s, then GrantItem fails with INVALID_ARGUMENT naming the field and stores nothing",
    async (_c, patch, field) => {
      const userId = newUser();
      const err = await grant({ drawId: randomUUID(), index: 0, userId, item: sword, ...patch }).catch(
        (e: ServiceError) => e,
      );
      expect(err).toMatchObject({ code: status.INVALID_ARGUMENT, details: expect.stringContaining(field) });
      expect(await inventory(userId)).toEqual({ items: [] });
    },
  );

  it("when GetInventory gets user_id 0, then INVALID_ARGUMENT", async () => {
    await expect(inventory(0n)).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: expect.stringContaining("user_id"),
    });
  });

  it("when the health service is asked, then the server and item.v1.ItemService are SERVING", async () => {
    // a client loaded from the .proto at run time has no static type: name just what is used
    type HealthClient = {
      check: Parameters<typeof callUnary<{ service: string }, { status: string }>>[0];
      close(): void;
    };
    const pkg = loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as unknown as {
      grpc: {
        health: {
          v1: { Health: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => HealthClient };
        };
      };
    };
    const health = new pkg.grpc.health.v1.Health(`127.0.0.1:${app.port}`, credentials.createInsecure());
    try {
      for (const service of ["", "item.v1.ItemService"]) {
        const res = await callUnary<{ service: string }, { status: string }>(
          health.check.bind(health),
          { service },
          { deadlineMs: 3_000 },
        );
        expect(res.status).toBe("SERVING");
      }
    } finally {
      health.close();
    }
  });
});

describe("item service when its database is unreachable", () => {
  let app: ItemApp;
  let client: itemV1.ItemServiceClient;
  beforeAll(async () => {
    // Nothing listens on port 1: every connection attempt is refused.
    ({ app, client } = await startItem("mysql://root@127.0.0.1:1/item"));
  });
  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  it("when a grant or an inventory read is made, then UNAVAILABLE (so callers retry)", async () => {
    const started = Date.now();
    const req = { drawId: randomUUID(), index: 0, userId: 1n, item: sword };
    const [grantErr, readErr] = await Promise.all([
      callUnary(client.grantItem.bind(client), req, { deadlineMs: 15_000 }).catch((e: ServiceError) => e),
      callUnary(client.getInventory.bind(client), { userId: 1n }, { deadlineMs: 15_000 }).catch((e: ServiceError) => e),
    ]);
    expect(grantErr).toMatchObject({ code: status.UNAVAILABLE, details: "service temporarily unavailable" });
    expect(readErr).toMatchObject({ code: status.UNAVAILABLE, details: "service temporarily unavailable" });
    // Decided by the pool's acquire timeout, not by the caller's deadline.
    expect(Date.now() - started).toBeLessThan(12_000);
  });
});
