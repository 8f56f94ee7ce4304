// Idempotency-Key end to end (gateway → gacha → item): a repeated request,
// even many at once, draws once; a key reused with another body is a 409
// that writes nothing, and keys are global across users.
import request from "supertest";
import type { TestDatabase } from "@gacha/testing";
import type { GachaApp } from "../../services/gacha/src/app";
import { type Stack, expectInvariant, startStack, waitForOutboxDrained } from "./support";

let stack: Stack;
let gachaDb: TestDatabase;
let itemDb: TestDatabase;
let gacha: GachaApp;
let app: Stack["app"];

beforeAll(async () => {
  stack = await startStack("f_idem");
  ({ gachaDb, itemDb, gacha, app } = stack);
  await stack.auth.signInAll([701, 702, 703, 704, 705]);
});

afterAll(() => stack?.close());

// Each draw is signed in as the user its body names.
const draw = (key: string, body: { user_id: number; count?: number }) =>
  request(app)
    .post("/draw")
    .set("Idempotency-Key", key)
    .set("Authorization", stack.auth.bearer(body.user_id))
    .send(body);

async function rowCounts(): Promise<Record<string, number>> {
  const q = async (db: TestDatabase, t: string) =>
    Number((await db.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  return {
    draws: await q(gachaDb, "draws"),
    histories: await q(gachaDb, "histories"),
    outbox: await q(gachaDb, "outbox"),
    grants: await q(itemDb, "grants"),
    inventories: await q(itemDb, "inventories"),
  };
}

it("when 10 identical requests with one key arrive at once, then one draw is made and all 10 get its response", async () => {
  const responses = await Promise.all(Array.from({ length: 10 }, () => draw("burst-1", { user_id: 701, count: 5 })));
  expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
  for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
  await waitForOutboxDrained(gachaDb);
  const rows = await gachaDb.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM draws WHERE user_id = 701");
  expect(Number(rows[0]!.n)).toBe(1);
  await expectInvariant(gachaDb, itemDb);
});

it("when a key is repeated with the same body, then the first response returns and no row is written in either database", async () => {
  const first = await draw("repeat-1", { user_id: 702, count: 3 }).expect(200);
  await waitForOutboxDrained(gachaDb);
  const before = await rowCounts();
  const again = await draw("repeat-1", { user_id: 702, count: 3 }).expect(200);
  expect(again.body).toEqual(first.body);
  await gacha.relay.drainOnce();
  expect(await rowCounts()).toEqual(before);
});

it.each([
  ["another count", { user_id: 703, count: 2 }],
  ["another user (keys are global)", { user_id: 704, count: 1 }],
  ["the maximum count", { user_id: 703, count: 10 }],
])(
  "when a key is reused with %s, then 409 ALREADY_EXISTS with a clear message and nothing is written",
  async (_name, body) => {
    await draw("conflict-1", { user_id: 703, count: 1 }).expect(200);
    await waitForOutboxDrained(gachaDb);
    const before = await rowCounts();
    const res = await draw("conflict-1", body).expect(409);
    expect(res.body).toEqual({
      error: { code: "ALREADY_EXISTS", message: "Idempotency-Key was already used with a different request" },
    });
    expect(await rowCounts()).toEqual(before);
  },
);

it("when count is omitted on the first request and given as 1 on the repeat, then both mean one item and the repeat replays", async () => {
  const first = await draw("default-count", { user_id: 705 }).expect(200);
  const again = await draw("default-count", { user_id: 705, count: 1 }).expect(200);
  expect(again.body).toEqual(first.body);
});
