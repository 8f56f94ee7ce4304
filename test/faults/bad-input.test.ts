// Malformed requests the gateway's own table (services/gateway/test/bad-input.test.ts)
// does not list: each is a 4xx JSON error in the documented format, never a
// 5xx, and nothing is written to either database.
import request from "supertest";
import type { TestDatabase } from "@gacha/testing";
import type { GachaApp } from "../../services/gacha/src/app";
import { type Stack, startStack } from "./support";

let stack: Stack;
let gachaDb: TestDatabase;
let itemDb: TestDatabase;
let gacha: GachaApp;
let app: Stack["app"];
let bearer: string;

beforeAll(async () => {
  stack = await startStack("f_bad");
  ({ gachaDb, itemDb, gacha, app } = stack);
  // Signed in as user 1, the user_id the cases name: what is wrong is the input, not who asks.
  bearer = await stack.auth.bearerFor(1);
});

afterAll(() => stack?.close());

const cursorOf = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const json = (body: string) => () => request(app).post("/draw").set("content-type", "application/json").send(body);
const get = (path: string) => () => request(app).get(path);

const cases: { name: string; send: () => request.Test; status: number; code: string }[] = [
  {
    name: "user_id 1e400 (Infinity once parsed)",
    send: json('{"user_id": 1e400}'),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "user_id repeated, the last one a string",
    send: json('{"user_id": 1, "user_id": "1"}'),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "user_id a numeric string beyond 2^63",
    send: json('{"user_id": "9223372036854775808"}'),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  { name: "count a float", send: json('{"user_id": 1, "count": 1.5}'), status: 400, code: "INVALID_ARGUMENT" },
  { name: "count negative", send: json('{"user_id": 1, "count": -1}'), status: 400, code: "INVALID_ARGUMENT" },
  {
    name: "an extra nested field",
    send: json('{"user_id": 1, "options": {"free": true}}'),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "a body of 1 MiB",
    send: json(JSON.stringify({ user_id: 1, pad: "x".repeat(1 << 20) })),
    status: 413,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "gzip content-encoding that is not gzip",
    send: () =>
      request(app)
        .post("/draw")
        .set("content-type", "application/json")
        .set("content-encoding", "gzip")
        .send('{"user_id": 1}'),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "content-type application/x-www-form-urlencoded with JSON text",
    send: () =>
      request(app).post("/draw").set("content-type", "application/x-www-form-urlencoded").send('{"user_id": 1}'),
    status: 415,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "content-type multipart",
    send: () => request(app).post("/draw").field("user_id", "1"),
    status: 415,
    code: "INVALID_ARGUMENT",
  },
  { name: "path user_id a float", send: get("/histories/1.5"), status: 400, code: "INVALID_ARGUMENT" },
  { name: "path user_id with a leading zero", send: get("/inventories/01"), status: 400, code: "INVALID_ARGUMENT" },
  { name: "path user_id in exponent form", send: get("/inventories/1e3"), status: 400, code: "INVALID_ARGUMENT" },
  {
    name: "cursor pointing at id 0",
    send: get(`/histories/1?cursor=${cursorOf("h1:0")}`),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "cursor beyond 2^63",
    send: get(`/histories/1?cursor=${cursorOf("h1:9223372036854775808")}`),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "cursor with another version tag",
    send: get(`/histories/1?cursor=${cursorOf("h2:5")}`),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "cursor non-canonical base64 of a valid one",
    send: get(`/histories/1?cursor=${cursorOf("h1:5").slice(0, -1)}R`),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  {
    name: "cursor of 65 characters",
    send: get(`/histories/1?cursor=${"A".repeat(65)}`),
    status: 400,
    code: "INVALID_ARGUMENT",
  },
  { name: "limit with a plus sign", send: get("/histories/1?limit=%2B5"), status: 400, code: "INVALID_ARGUMENT" },
  { name: "limit 1000000000000", send: get("/histories/1?limit=1000000000000"), status: 400, code: "INVALID_ARGUMENT" },
  {
    name: "POST to an unknown route",
    send: () => request(app).post("/draws").send({ user_id: 1 }),
    status: 404,
    code: "NOT_FOUND",
  },
  {
    name: "PATCH /draw",
    send: () => request(app).patch("/draw").send({ user_id: 1 }),
    status: 405,
    code: "UNIMPLEMENTED",
  },
  { name: "POST /healthz", send: () => request(app).post("/healthz").send({}), status: 405, code: "UNIMPLEMENTED" },
];

it("when the valid cursor the non-canonical case is built from is used, then it is accepted (the case above tests only the encoding)", async () => {
  await request(app)
    .get(`/histories/1?cursor=${cursorOf("h1:5")}`)
    .set("Authorization", bearer)
    .expect(200);
});

it.each(cases)("when $name, then $status $code as JSON, and nothing is written", async ({ send, status, code }) => {
  const res = await send().set("Authorization", bearer);
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/json/);
  expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
});

it("when all of them were sent, then neither database has a row", async () => {
  await gacha.relay.drainOnce();
  const count = async (db: TestDatabase, t: string) =>
    Number((await db.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
  const counts = await Promise.all([
    count(gachaDb, "draws"),
    count(gachaDb, "histories"),
    count(gachaDb, "outbox"),
    count(itemDb, "grants"),
    count(itemDb, "inventories"),
  ]);
  expect(counts).toEqual([0, 0, 0, 0, 0]);
});
