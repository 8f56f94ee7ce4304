// Against a running system over HTTP only (never its databases):
// `npm run dev`, or skaffold's port-forward; E2E_BASE_URL overrides the address.
import { randomInt } from "node:crypto";
import request from "supertest";

const BASE_URL = process.env.E2E_BASE_URL ?? "http://localhost:8080";
const api = () => request(BASE_URL);
// A random user per run (and per case) so reruns against the same databases never collide.
const runBase = randomInt(1_000_000, 2 ** 47);
let offset = 0;
const newUserId = () => runBase + offset++;

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } });

beforeAll(async () => {
  try {
    const res = await fetch(`${BASE_URL}/healthz`, { signal: AbortSignal.timeout(3_000) });
    if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
  } catch (err) {
    throw new Error(
      `gateway not reachable at ${BASE_URL} (${(err as Error).message}): start it with \`npm run dev\`, ` +
        "or port-forward it and set E2E_BASE_URL",
      { cause: err },
    );
  }
});

/** Retries `check` until it stops throwing: grants reach the inventory through the relay. */
async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

it("when the system runs, then /healthz is 200 and /readyz is 200 with both upstreams SERVING", async () => {
  expect((await api().get("/healthz").expect(200)).body).toEqual({ status: "ok" });
  expect((await api().get("/readyz").expect(200)).body).toEqual({
    status: "ok",
    checks: { gacha: "SERVING", item: "SERVING" },
  });
});

it("when a user draws three times, then histories page newest first and the inventory matches", async () => {
  const user = newUserId();
  const drawIds: string[] = [];
  for (const count of [3, 1, 2]) {
    const res = await api().post("/draw").send({ user_id: user, count }).expect(200);
    expect(res.body.items).toHaveLength(count);
    drawIds.push(res.body.draw_id);
  }

  const rows: { draw_id: string; item_id: number; created_at: string }[] = [];
  let cursor: string | null | undefined;
  do {
    const res = await api()
      .get(`/histories/${user}`)
      .query({ limit: 4, ...(cursor ? { cursor } : {}) })
      .expect(200);
    rows.push(...res.body.histories);
    cursor = res.body.next_cursor;
  } while (cursor);
  expect(rows).toHaveLength(6);
  expect(rows.map((r) => r.draw_id).filter((id, i, all) => id !== all[i - 1])).toEqual([...drawIds].reverse());
  for (const r of rows) expect(r.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

  const expected: Record<number, number> = {};
  for (const r of rows) expected[r.item_id] = (expected[r.item_id] ?? 0) + 1;
  await eventually(async () => {
    const res = await api().get(`/inventories/${user}`).expect(200);
    const actual: Record<number, number> = {};
    for (const e of res.body.items as { item_id: number; count: number }[]) actual[e.item_id] = e.count;
    expect(actual).toEqual(expected);
  });
});

it("when a draw is repeated with the same Idempotency-Key, then the same body returns and nothing new is drawn", async () => {
  const user = newUserId();
  const key = `e2e-${user}`;
  const first = await api().post("/draw").set("Idempotency-Key", key).send({ user_id: user, count: 2 }).expect(200);
  const again = await api().post("/draw").set("Idempotency-Key", key).send({ user_id: user, count: 2 }).expect(200);
  expect(again.body).toEqual(first.body);
  expect((await api().get(`/histories/${user}`).expect(200)).body.histories).toHaveLength(2);
  const conflict = await api().post("/draw").set("Idempotency-Key", key).send({ user_id: user, count: 1 }).expect(409);
  expect(conflict.body).toEqual(errorBody("ALREADY_EXISTS"));
});

it.each([
  ["user_id as a string", 400, "INVALID_ARGUMENT", () => api().post("/draw").send({ user_id: "1" })],
  [
    "malformed JSON",
    400,
    "INVALID_ARGUMENT",
    () => api().post("/draw").set("content-type", "application/json").send("{"),
  ],
  ["text/plain body", 415, "INVALID_ARGUMENT", () => api().post("/draw").set("content-type", "text/plain").send("{}")],
  ["limit 101", 400, "INVALID_ARGUMENT", () => api().get("/histories/1?limit=101")],
  ["a cursor the server did not issue", 400, "INVALID_ARGUMENT", () => api().get("/histories/1?cursor=forged")],
  ["an unknown route", 404, "NOT_FOUND", () => api().get("/nope")],
  ["GET /draw", 405, "UNIMPLEMENTED", () => api().get("/draw")],
] as const)("when %s, then %i with a JSON error", async (_name, status, code, send) => {
  const res = await send();
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.body).toEqual(errorBody(code));
});
