// The item service stops in the middle of a stream of draws and comes back
// (gacha reaches it through a TCP forwarder that holds the address): draws keep
// succeeding, the grants of the draws made while it was down wait in the outbox,
// and once the relay has drained every grant is applied exactly once.
import request from "supertest";
import { startTcpForwarder, type TcpForwarder, type TestDatabase } from "@gacha/testing";
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
let itemAddress: TcpForwarder;

beforeAll(async () => {
  [{ gachaDb, itemDb }, auth] = await Promise.all([createDatabases("f_item"), startAuth()]);
  item = await startItem(itemDb.url);
  itemAddress = await startTcpForwarder(item.port);
  gacha = await startGacha(gachaDb.url, `127.0.0.1:${itemAddress.port}`);
  clients = createClients({
    GACHA_SERVICE_ADDR: `127.0.0.1:${gacha.port}`,
    ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
  });
});

afterAll(async () => {
  clients?.close();
  await gacha?.close();
  await item?.close();
  await itemAddress?.close();
  await Promise.all([gachaDb?.drop(), itemDb?.drop(), auth?.close()]);
});

it("when item stops during a stream of draws and comes back, then draws never fail, the outage's grants wait in the outbox, and every grant is applied exactly once", async () => {
  const app = gatewayApp(clients, auth);
  const users = [101, 102, 103, 104, 105];
  await auth.signInAll(users);
  const statuses: number[] = [];
  let phase: "up" | "down" | "back" = "up";
  // A draw belongs to a phase when it started and ended in it (ids from the responses).
  const drawsIn = { up: [] as string[], down: [] as string[], back: [] as string[] };

  // 4 clients draw until the outage script says stop (bounded by count and time);
  // each phase lasts until enough draws happened in it, so a slow machine only makes it longer.
  let stop = false;
  const deadline = Date.now() + 25_000;
  const client = async (c: number) => {
    for (let i = 0; i < 1_000 && !stop && Date.now() < deadline; i++) {
      const user = users[(c + i) % users.length]!;
      const startedIn = phase;
      const res = await request(app)
        .post("/draw")
        .set("Authorization", auth.bearer(user))
        .send({ user_id: user, count: 1 + (i % 3) });
      statuses.push(res.status);
      if (res.status === 200 && phase === startedIn) drawsIn[phase].push(res.body.draw_id);
    }
  };
  const until = async (cond: () => boolean, minMs: number) => {
    const started = Date.now();
    while ((!cond() || Date.now() - started < minMs) && Date.now() < deadline) await sleep(20);
  };
  const outage = (async () => {
    try {
      await until(() => drawsIn.up.length >= 10, 300);
      phase = "down";
      itemAddress.forwardTo(undefined); // new connections to item close at once
      itemAddress.cutConnections();
      await item!.close();
      item = undefined;
      await until(() => drawsIn.down.length >= 10, 1_000);
      item = await startItem(itemDb.url);
      itemAddress.forwardTo(item.port);
      phase = "back";
      await until(() => drawsIn.back.length >= 10, 300);
    } finally {
      stop = true;
    }
  })();
  await Promise.all([...[0, 1, 2, 3].map(client), outage]);

  // Draws never depend on item being up: the grants wait in the outbox.
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  const attemptsOf = async (drawIds: string[]) => {
    expect(drawIds.length).toBeGreaterThanOrEqual(10);
    const rows = await gachaDb.query<{ attempts: number }>(
      `SELECT attempts FROM outbox WHERE draw_id IN (${drawIds.map(() => "?").join(",")})`,
      drawIds,
    );
    return rows.map((r) => Number(r.attempts));
  };
  // Item up: every grant went inline, at the first attempt. Item down: every grant of those
  // draws failed at least once, so the relay, not the inline path, delivered it.
  expect(new Set(await attemptsOf(drawsIn.up))).toEqual(new Set([0]));
  expect((await attemptsOf(drawsIn.down)).filter((n) => n === 0)).toEqual([]);

  await waitForOutboxDrained(gachaDb);
  const report = await expectInvariant(gachaDb, itemDb);
  expect(report.users).toBe(users.length);
  expect(report.draws).toBe(statuses.length);
});
