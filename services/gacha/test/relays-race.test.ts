// Several gacha replicas share one outbox (prod runs 2 or more pods): their
// relays race over the same rows in real MariaDB while item flaps (reachable,
// then every connection cut, and so on). The claim UPDATE in
// outbox-repository.ts is what keeps them apart, so it runs for real here;
// only the count of deliveries in flight per row is observed around the sender.
import { insecure, clientChannelOptions } from "@gacha/runtime";
import { itemV1 } from "@gacha/proto";
import { createTestDatabase, startTcpForwarder, type TcpForwarder, type TestDatabase } from "@gacha/testing";
import type { ItemApp } from "../../item/src/app";
import { openDatabase, type GachaDatabase } from "../src/db";
import { createGrantDelivery, createGrantSender } from "../src/grant-delivery";
import { createOutboxRepository, type PendingGrant } from "../src/outbox-repository";
import { createRelay, type Relay } from "../src/relay";
import { logger, sleep, startItem } from "./harness";

jest.setTimeout(90_000);

const ROWS = 120; // 24 draws of 5 grants, over 6 users
const LEASE_MS = 2_000; // the row's lease after a claim (prod: deliveryLeaseMs(GRANT_DEADLINE_MS))
const GRANT_DEADLINE_MS = 400; // well inside the lease: a live relay never outlives its claim
const key = (g: { drawId: string; index: number }) => `${g.drawId}/${g.index}`;

/** What the replicas did, as seen from outside them. */
interface Observed {
  /** Rows some relay was delivering while another one was too (must stay empty). */
  overlaps: string[];
  /** Rows a relay marked delivered, per row. */
  deliveredBy: Map<string, number>;
  inFlight: Set<string>;
}

/** One gacha replica's relay: its own pool and item client, as a separate pod has. */
function startReplica(url: string, itemAddr: string, seen: Observed) {
  const db: GachaDatabase = openDatabase(url, 4);
  const client = new itemV1.ItemServiceClient(itemAddr, insecure(), clientChannelOptions);
  const send = createGrantSender(client, GRANT_DEADLINE_MS);
  const observed = async (g: PendingGrant) => {
    const k = key(g);
    if (seen.inFlight.has(k)) seen.overlaps.push(k);
    seen.inFlight.add(k);
    try {
      await send(g);
    } finally {
      seen.inFlight.delete(k);
    }
  };
  const outbox = createOutboxRepository(db.prisma);
  const delivery = createGrantDelivery({ send: observed, outbox, logger });
  const relay: Relay = createRelay({
    outbox,
    delivery: {
      ...delivery,
      deliverOne: async (g) => {
        const ok = await delivery.deliverOne(g);
        if (ok) seen.deliveredBy.set(key(g), (seen.deliveredBy.get(key(g)) ?? 0) + 1);
        return ok;
      },
    },
    logger,
    intervalMs: 30,
    batchSize: 10,
    leaseMs: LEASE_MS,
    concurrency: 3,
  });
  relay.start();
  return {
    async close() {
      await relay.close();
      client.close();
      await db.close();
    },
  };
}

/**
 * A replica that dies right after claiming: its claims went through the real
 * UPDATE, its deliveries never finish and nothing of it marks a row again.
 */
function startDyingReplica(url: string) {
  const db = openDatabase(url, 2);
  const outbox = createOutboxRepository(db.prisma);
  const claimed: { id: bigint; at: number }[] = [];
  const relay = createRelay({
    outbox: {
      ...outbox,
      claim: async (id, leaseMs) => {
        const ok = await outbox.claim(id, leaseMs);
        if (ok) claimed.push({ id, at: Date.now() });
        return ok;
      },
    },
    delivery: { deliverOne: () => new Promise<boolean>(() => undefined), deliverDraw: async () => undefined },
    logger,
    intervalMs: 30,
    batchSize: 10,
    leaseMs: LEASE_MS,
    concurrency: 3,
  });
  void relay.drainOnce(); // hangs in its deliveries, holding what it claimed
  return { claimed, close: () => db.close() };
}

async function seedOutbox(db: TestDatabase): Promise<void> {
  const values: unknown[] = [];
  for (let d = 0; d < ROWS / 5; d++) {
    const drawId = crypto.randomUUID();
    for (let i = 0; i < 5; i++) values.push(drawId, i, 1 + (d % 6), 1 + i, `item ${1 + i}`, "N");
  }
  await db.query(
    `INSERT INTO outbox (draw_id, item_index, user_id, item_id, item_name, rarity, next_attempt_at) VALUES ${Array.from(
      { length: ROWS },
      () => "(?, ?, ?, ?, ?, ?, NOW(3))",
    ).join(", ")}`,
    values,
  );
}

describe.each([2, 4])("%i gacha relays over one outbox, item flapping", (replicas) => {
  let gachaDb: TestDatabase;
  let itemDb: TestDatabase;
  let item: ItemApp;
  let itemAddress: TcpForwarder;
  const running: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    [gachaDb, itemDb] = await Promise.all([
      createTestDatabase(`race${replicas}`, "gacha"),
      createTestDatabase(`race${replicas}`, "item"),
    ]);
    item = (await startItem(itemDb.url)).app;
    itemAddress = await startTcpForwarder(item.port);
  });
  afterAll(async () => {
    for (const r of running) await r.close();
    await itemAddress?.close();
    await item?.close();
    await Promise.all([gachaDb?.drop(), itemDb?.drop()]);
  });

  it("when they race, then every grant is delivered exactly once, never by two at a time, and a dead relay's claims are taken over after their lease", async () => {
    await seedOutbox(gachaDb);
    const seen: Observed = { overlaps: [], deliveredBy: new Map(), inFlight: new Set() };
    // The dying replica claims first, so some rows are held by a relay that never delivers them.
    const dying = startDyingReplica(gachaDb.url);
    running.push(dying);
    for (let i = 0; i < 20 && dying.claimed.length === 0; i++) await sleep(50);
    expect(dying.claimed.length).toBeGreaterThan(0);

    const addr = `127.0.0.1:${itemAddress.port}`;
    for (let r = 0; r < replicas; r++) running.push(startReplica(gachaDb.url, addr, seen));

    // Item flaps for 3 s: 250 ms reachable, 150 ms gone (every connection cut, new ones closed).
    const flapUntil = Date.now() + 3_000;
    while (Date.now() < flapUntil) {
      await sleep(250);
      itemAddress.forwardTo(undefined);
      itemAddress.cutConnections();
      await sleep(150);
      itemAddress.forwardTo(item.port);
    }

    const pending = async () =>
      Number((await gachaDb.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL"))[0]!.n);
    const until = Date.now() + 30_000;
    while ((await pending()) > 0 && Date.now() < until) await sleep(100);
    expect(await pending()).toBe(0);

    // The flapping was real: some deliveries failed and were retried.
    const retried = await gachaDb.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM outbox WHERE attempts > 0");
    expect(Number(retried[0]!.n)).toBeGreaterThan(0);

    // Never two deliveries of one row at a time, and each row marked delivered by exactly one replica.
    expect(seen.overlaps).toEqual([]);
    const rows = await gachaDb.query<{ draw_id: string; item_index: number }>("SELECT draw_id, item_index FROM outbox");
    const keys = rows.map((r) => `${r.draw_id}/${r.item_index}`).sort();
    expect(keys).toHaveLength(ROWS);
    expect(Object.fromEntries(keys.map((k) => [k, seen.deliveredBy.get(k) ?? 0]))).toEqual(
      Object.fromEntries(keys.map((k) => [k, 1])),
    );

    // item applied each grant once: one grants row per outbox row, inventories summing to it.
    const grants = await itemDb.query<{ k: string }>(
      "SELECT CONCAT(draw_id, '/', item_index) AS k FROM grants ORDER BY k",
    );
    expect(grants.map((g) => g.k)).toEqual(keys);
    const [inventory] = await itemDb.query<{ n: string }>("SELECT SUM(count) AS n FROM inventories");
    expect(Number(inventory!.n)).toBe(ROWS);

    // The dead relay's rows: taken over once the lease ran out, not before, and not much later.
    const held = dying.claimed.map((c) => c.id);
    const taken = await gachaDb.query<{ id: bigint; held_ms: number }>(
      `SELECT o.id, TIMESTAMPDIFF(MICROSECOND, o.created_at, o.delivered_at) / 1000 AS held_ms FROM outbox o
       WHERE o.id IN (${held.map(() => "?").join(",")})`,
      held,
    );
    expect(taken).toHaveLength(held.length);
    for (const t of taken) {
      expect(Number(t.held_ms)).toBeGreaterThanOrEqual(LEASE_MS);
      expect(Number(t.held_ms)).toBeLessThan(LEASE_MS + 15_000);
    }
  });
});
