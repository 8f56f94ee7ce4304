// The item service stops in the middle of a stream of draws and comes back on
// the same port: draws keep succeeding, and once the relay has drained every
// grant is applied exactly once.
import request from "supertest";
import type { TestDatabase } from "@gacha/testing";
import { createClients, type Clients } from "../../services/gateway/src/clients";
import type { GachaApp } from "../../services/gacha/src/app";
import type { ItemApp } from "../../services/item/src/app";
import {
  createDatabases,
  expectInvariant,
  gatewayApp,
  sleep,
  startGacha,
  startAuth,
  startItem,
  waitForOutboxDrained,
  type Auth,
} from "./support";

jest.setTimeout(45_000);

let gachaDb: TestDatabase;
let itemDb: TestDatabase;
let item: ItemApp | undefined;
let gacha: GachaApp;
let clients: Clients;
let auth: Auth;

beforeAll(async () => {
  [{ gachaDb, itemDb }, auth] = await Promise.all([createDatabases("f_item"), startAuth()]);
  item = await startItem(itemDb.url);
  gacha = await startGacha(gachaDb.url, `127.0.0.1:${item.port}`);
  clients = createClients({
    GACHA_SERVICE_ADDR: `127.0.0.1:${gacha.port}`,
    ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
  });
});

afterAll(async () => {
  clients?.close();
  await gacha?.close();
  await item?.close();
  await Promise.all([gachaDb?.drop(), itemDb?.drop(), auth?.close()]);
});

it("when item stops during a stream of draws and restarts on the same port, then every grant is applied exactly once", async () => {
  const app = gatewayApp(clients, auth);
  const itemPort = item!.port;
  const users = [101, 102, 103, 104, 105];
  await auth.signInAll(users);
  const statuses: number[] = [];
  let phase: "up" | "down" | "back" = "up";
  const drawnIn = { up: 0, down: 0, back: 0 };

  // 4 clients draw until the outage script says stop (bounded by count and time);
  // each phase lasts until enough draws happened in it, so a slow machine only makes it longer.
  let stop = false;
  const deadline = Date.now() + 25_000;
  const client = async (c: number) => {
    for (let i = 0; i < 1_000 && !stop && Date.now() < deadline; i++) {
      const user = users[(c + i) % users.length]!;
      const res = await request(app)
        .post("/draw")
        .set("Authorization", auth.bearer(user))
        .send({ user_id: user, count: 1 + (i % 3) });
      statuses.push(res.status);
      if (res.status === 200) drawnIn[phase]++;
    }
  };
  const until = async (cond: () => boolean, minMs: number) => {
    const started = Date.now();
    while ((!cond() || Date.now() - started < minMs) && Date.now() < deadline) await sleep(20);
  };
  const outage = (async () => {
    try {
      await until(() => drawnIn.up >= 10, 300);
      await item!.close();
      item = undefined;
      phase = "down";
      await until(() => drawnIn.down >= 10, 1_000);
      item = await startItem(itemDb.url, itemPort);
      phase = "back";
      await until(() => drawnIn.back >= 10, 300);
    } finally {
      stop = true;
    }
  })();
  await Promise.all([...[0, 1, 2, 3].map(client), outage]);

  // Draws never depend on item being up: the grants wait in the outbox.
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(drawnIn).toEqual({ up: expect.any(Number), down: expect.any(Number), back: expect.any(Number) });
  expect(Math.min(drawnIn.up, drawnIn.down, drawnIn.back)).toBeGreaterThanOrEqual(10);
  const failedDuringOutage = await gachaDb.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM outbox WHERE attempts > 0");
  expect(Number(failedDuringOutage[0]!.n)).toBeGreaterThan(0);

  await waitForOutboxDrained(gachaDb);
  const report = await expectInvariant(gachaDb, itemDb);
  expect(report.users).toBe(users.length);
  expect(report.draws).toBe(statuses.length);
});
