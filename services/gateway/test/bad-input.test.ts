import request from "supertest";
import type { Express } from "express";
import { expectErrorBody, startStack, type Stack } from "./stack";

let stack: Stack;
let bearer: string;
beforeAll(async () => {
  stack = await startStack();
  // Every request below is signed in: the input itself is what is wrong (auth.test.ts covers tokens).
  ({ bearer } = await stack.signIn());
});
afterAll(async () => {
  await stack?.close();
});

type Case = [name: string, send: (app: Express) => request.Test, status: number, code?: string];

const json = (body: string) => (app: Express) =>
  request(app).post("/draw").set("content-type", "application/json").send(body);
const drawWithKey = (key: string) => (app: Express) => request(app).post("/draw").set("Idempotency-Key", key).send({});
const get = (path: string) => (app: Express) => request(app).get(path);

const cases: Case[] = [
  ["user_id as a string", json('{"user_id": "1"}'), 400],
  ["user_id as a float", json('{"user_id": 1.5}'), 400],
  ["user_id negative", json('{"user_id": -1}'), 400],
  ["user_id zero", json('{"user_id": 0}'), 400],
  ["user_id beyond 2^63", json('{"user_id": 9223372036854775808}'), 400],
  ["user_id beyond 2^53", json('{"user_id": 9007199254740993}'), 400],
  ["user_id null", json('{"user_id": null}'), 400],
  ["user_id boolean", json('{"user_id": true}'), 400],
  ["user_id an array", json('{"user_id": [1]}'), 400],
  ["user_id an object", json('{"user_id": {"id": 1}}'), 400],
  ["an extra field", json('{"user_id": 1, "admin": true}'), 400],
  ["count zero", json('{"user_id": 1, "count": 0}'), 400],
  ["count 11", json('{"user_id": 1, "count": 11}'), 400],
  ["count as a string", json('{"user_id": 1, "count": "2"}'), 400],
  ["count null", json('{"user_id": 1, "count": null}'), 400],
  ["body an array", json("[1]"), 400],
  ["body a number", json("1"), 400],
  ["body null", json("null"), 400],
  ["malformed JSON", json('{"user_id": 1'), 400],
  ["empty JSON body", json(""), 400],
  ["body over 16 kB", json(JSON.stringify({ user_id: 1, pad: "x".repeat(20_000) })), 413],
  [
    "content-type text/plain",
    (app) => request(app).post("/draw").set("content-type", "text/plain").send('{"user_id": 1}'),
    415,
  ],
  ["content-type form-urlencoded", (app) => request(app).post("/draw").type("form").send("user_id=1"), 415],
  ["no content-type", (app) => request(app).post("/draw").send(Buffer.from('{"user_id": 1}')), 415],
  [
    "unsupported charset",
    (app) => request(app).post("/draw").set("content-type", "application/json; charset=koi8-r").send('{"user_id": 1}'),
    415,
  ],
  ["Idempotency-Key of 256 characters", drawWithKey("k".repeat(256)), 400],
  ["Idempotency-Key not ASCII", drawWithKey("café"), 400],
  ["Idempotency-Key empty", drawWithKey(""), 400],
  ["unknown route", get("/nope"), 404, "NOT_FOUND"],
  ["unknown sub-route", get("/histories/1/extra"), 404, "NOT_FOUND"],
  ["GET /draw", get("/draw"), 405, "UNIMPLEMENTED"],
  ["DELETE /histories/1", (app) => request(app).delete("/histories/1"), 405, "UNIMPLEMENTED"],
  ["PUT /inventories/1", (app) => request(app).put("/inventories/1").send({}), 405, "UNIMPLEMENTED"],
  ["path user_id zero", get("/histories/0"), 400],
  ["path user_id not a number", get("/inventories/abc"), 400],
  ["path user_id negative", get("/inventories/-1"), 400],
  ["path user_id beyond 2^53", get("/histories/9007199254740992"), 400],
  ["path user_id beyond 2^63", get("/inventories/9223372036854775808"), 400],
  ["cursor not issued by the server", get("/histories/1?cursor=not-a-cursor"), 400],
  ["cursor repeated", get("/histories/1?cursor=a&cursor=b"), 400],
  ["limit 0", get("/histories/1?limit=0"), 400],
  ["limit 101", get("/histories/1?limit=101"), 400],
  ["limit abc", get("/histories/1?limit=abc"), 400],
  ["limit 1.5", get("/histories/1?limit=1.5"), 400],
  ["limit -1", get("/histories/1?limit=-1"), 400],
  ["limit empty", get("/histories/1?limit="), 400],
  ["limit repeated", get("/histories/1?limit=1&limit=2"), 400],
];

describe("bad input", () => {
  let before: Record<string, number>;
  beforeAll(async () => {
    before = await stack.rowCounts();
  });

  // Object rows: jest passes a `done` callback when the function takes more arguments than a tuple row has.
  const rows = cases.map(([name, send, status, code]) => ({ name, send, status, code }));
  it.each(rows)("when $name, then $status with a JSON error body", async ({ send, status, code }) => {
    const res = await send(stack.app).set("Authorization", bearer);
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expectErrorBody(res.body, code ?? "INVALID_ARGUMENT");
    if (status === 405) expect(res.headers.allow).toMatch(/^(POST|GET, HEAD)$/);
  });

  it("when all of them were sent, then nothing was written to either database", async () => {
    await stack.drainRelay();
    expect(await stack.rowCounts()).toEqual(before);
    expect(before).toEqual({ draws: 0, histories: 0, outbox: 0, grants: 0, inventories: 0 });
  });
});
