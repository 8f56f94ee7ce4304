// GrantItem is applied but its reply is lost (UNAVAILABLE to gacha): the relay
// delivers the same grant again, and item must count it once.
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from "@grpc/grpc-js";
import request from "supertest";
import { itemV1 } from "@gacha/proto";
import { callUnary, clientChannelOptions, insecure } from "@gacha/runtime";
import type { TestDatabase } from "@gacha/testing";
import { createClients, type Clients } from "../../services/gateway/src/clients";
import type { GachaApp } from "../../services/gacha/src/app";
import type { ItemApp } from "../../services/item/src/app";
import {
  createDatabases,
  expectInvariant,
  gatewayApp,
  startAuth,
  startGacha,
  startItem,
  waitForOutboxDrained,
  type Auth,
} from "./support";

jest.setTimeout(45_000);

const LOST_REPLIES = 12;

let gachaDb: TestDatabase;
let itemDb: TestDatabase;
let item: ItemApp;
let gacha: GachaApp;
let proxy: Server;
let upstream: itemV1.ItemServiceClient;
let clients: Clients;
let auth: Auth;
const seen = { grantCalls: 0, lost: 0, appliedFalse: 0 };

/** item.v1.ItemService in front of the real one: forwards every call, but "loses" the first N GrantItem replies. */
async function startLossyProxy(target: string): Promise<number> {
  upstream = new itemV1.ItemServiceClient(target, insecure(), clientChannelOptions);
  const forward = <Req, Res>(method: (typeof upstream)["grantItem"] | (typeof upstream)["getInventory"]) =>
    method.bind(upstream) as unknown as Parameters<typeof callUnary<Req, Res>>[0];
  const impl: itemV1.ItemServiceServer = {
    grantItem(
      call: ServerUnaryCall<itemV1.GrantItemRequest, itemV1.GrantItemResponse>,
      cb: sendUnaryData<itemV1.GrantItemResponse>,
    ) {
      seen.grantCalls++;
      callUnary(forward<itemV1.GrantItemRequest, itemV1.GrantItemResponse>(upstream.grantItem), call.request, {
        deadlineMs: 2_000,
      }).then(
        (res) => {
          if (!res.applied) seen.appliedFalse++;
          if (seen.lost < LOST_REPLIES) {
            seen.lost++;
            cb({ code: status.UNAVAILABLE, details: "reply lost (test proxy)" });
          } else cb(null, res);
        },
        (err) => cb(err),
      );
    },
    getInventory(
      call: ServerUnaryCall<itemV1.GetInventoryRequest, itemV1.GetInventoryResponse>,
      cb: sendUnaryData<itemV1.GetInventoryResponse>,
    ) {
      callUnary(forward<itemV1.GetInventoryRequest, itemV1.GetInventoryResponse>(upstream.getInventory), call.request, {
        deadlineMs: 2_000,
      }).then(
        (res) => cb(null, res),
        (err) => cb(err),
      );
    },
  };
  proxy = new Server();
  proxy.addService(itemV1.ItemServiceService, impl);
  return new Promise((resolve, reject) =>
    proxy.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
}

beforeAll(async () => {
  [{ gachaDb, itemDb }, auth] = await Promise.all([createDatabases("f_lost"), startAuth()]);
  item = await startItem(itemDb.url);
  const proxyPort = await startLossyProxy(`127.0.0.1:${item.port}`);
  gacha = await startGacha(gachaDb.url, `127.0.0.1:${proxyPort}`);
  clients = createClients({
    GACHA_SERVICE_ADDR: `127.0.0.1:${gacha.port}`,
    ITEM_SERVICE_ADDR: `127.0.0.1:${item.port}`,
  });
});

afterAll(async () => {
  clients?.close();
  await gacha?.close();
  proxy?.forceShutdown();
  upstream?.close();
  await item?.close();
  await Promise.all([gachaDb?.drop(), itemDb?.drop(), auth?.close()]);
});

it("when the first GrantItem replies are lost after the grant was applied, then the relay retries and each grant counts once", async () => {
  const app = gatewayApp(clients, auth);
  const users = [201, 202, 203];
  await auth.signInAll(users);
  for (let i = 0; i < 12; i++) {
    const user = users[i % users.length]!;
    await request(app)
      .post("/draw")
      .set("Authorization", auth.bearer(user))
      .send({ user_id: user, count: 1 + (i % 4) })
      .expect(200);
  }
  expect(seen.lost).toBe(LOST_REPLIES);

  await waitForOutboxDrained(gachaDb);
  const report = await expectInvariant(gachaDb, itemDb);
  // Every lost reply was redelivered, and item recognised each redelivery as already applied.
  expect(seen.appliedFalse).toBe(LOST_REPLIES);
  expect(seen.grantCalls).toBe(report.histories + LOST_REPLIES);
  // What the HTTP API shows agrees with the tables.
  for (const user of users) {
    const inv = await request(app).get(`/inventories/${user}`).set("Authorization", auth.bearer(user)).expect(200);
    const hist = await request(app)
      .get(`/histories/${user}?limit=100`)
      .set("Authorization", auth.bearer(user))
      .expect(200);
    const sum = inv.body.items.reduce((s: number, e: { count: number }) => s + e.count, 0);
    expect(sum).toBe(hist.body.histories.length);
  }
});
