import { createServer as createHttpServer } from "node:net";
import request from "supertest";
import { createClients } from "../src/clients";
import { createServer } from "../src/server";
import { hashPassword } from "../../auth/src/password";
import { PASSWORD } from "../../auth/test/support";
import { expectErrorBody, logger, startStack, type Stack } from "./stack";

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

interface User {
  userId: number;
  bearer: string;
}
const draw = (user: User, body: unknown, key?: string) => {
  const req = request(stack.app).post("/draw").set("Authorization", user.bearer);
  return (key === undefined ? req : req.set("Idempotency-Key", key)).send(body as object);
};
const get = (user: User, path: string) => request(stack.app).get(path).set("Authorization", user.bearer);

interface HistoryJson {
  draw_id: string;
  item_id: number;
  item_name: string;
  rarity: string;
  created_at: string;
}

describe("POST /draw", () => {
  it("when a user draws 3, then 200 with a draw_id and 3 items with rarity names", async () => {
    const user = await stack.signIn();
    const res = await draw(user, { user_id: user.userId, count: 3 }).expect(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["x-powered-by"]).toBeUndefined();
    expect(res.body.draw_id).toMatch(UUID);
    expect(res.body.items).toHaveLength(3);
    for (const item of res.body.items) {
      expect(item).toEqual({
        item_id: expect.any(Number),
        item_name: expect.any(String),
        rarity: expect.stringMatching(/^(N|R|SR|SSR)$/),
      });
    }
  });

  it("when count is omitted, then one item is drawn", async () => {
    const user = await stack.signIn();
    const res = await draw(user, { user_id: user.userId }).expect(200);
    expect(res.body.items).toHaveLength(1);
  });

  it("when user_id is omitted, then the draw is for the signed-in user (the token's sub)", async () => {
    const user = await stack.signIn();
    const res = await draw(user, { count: 2 }).expect(200);
    const histories = await get(user, `/histories/${user.userId}`).expect(200);
    expect(histories.body.histories.map((h: HistoryJson) => h.draw_id)).toEqual([res.body.draw_id, res.body.draw_id]);
  });

  it("when the signed-in user's id is 2^53 - 1, then it is accepted", async () => {
    // An account with the largest id the API carries in JSON, created straight in auth's table.
    const username = `max_${Date.now().toString(36)}`;
    await stack.auth.db.query("INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)", [
      Number.MAX_SAFE_INTEGER,
      username,
      await hashPassword(PASSWORD),
    ]);
    try {
      const { userId, token } = await signUpExisting(username);
      expect(userId).toBe(Number.MAX_SAFE_INTEGER);
      await draw({ userId, bearer: `Bearer ${token}` }, { user_id: Number.MAX_SAFE_INTEGER }).expect(200);
    } finally {
      // Back to the ordinary ids for the users the other tests sign up (InnoDB moves the counter to max(id) + 1).
      await stack.auth.db.query("DELETE FROM users WHERE id = ?", [Number.MAX_SAFE_INTEGER]);
      await stack.auth.db.query("ALTER TABLE users AUTO_INCREMENT = 1");
    }
  });

  it("when the same Idempotency-Key and body repeat, then the identical body returns and nothing new is drawn", async () => {
    const user = await stack.signIn();
    const key = `key-${user.userId}`;
    const first = await draw(user, { user_id: user.userId, count: 2 }, key).expect(200);
    const again = await draw(user, { user_id: user.userId, count: 2 }, key).expect(200);
    expect(again.body).toEqual(first.body);
    const histories = await get(user, `/histories/${user.userId}`).expect(200);
    expect(histories.body.histories).toHaveLength(2);
  });

  it("when the same Idempotency-Key comes with a different body, then 409 ALREADY_EXISTS", async () => {
    const user = await stack.signIn();
    const key = `key-${user.userId}`;
    await draw(user, { user_id: user.userId, count: 1 }, key).expect(200);
    const res = await draw(user, { user_id: user.userId, count: 2 }, key).expect(409);
    expectErrorBody(res.body, "ALREADY_EXISTS");
    expect(res.body.error.message).toBe("Idempotency-Key was already used with a different request");
  });
});

describe("GET /histories and /inventories", () => {
  let user: User;
  const drawIds: string[] = [];
  beforeAll(async () => {
    user = await stack.signIn();
    for (const count of [2, 3, 1]) {
      drawIds.push((await draw(user, { user_id: user.userId, count }).expect(200)).body.draw_id);
    }
  });

  it("when paging with limit 4, then all 6 rows come newest first and next_cursor ends as null", async () => {
    const rows: HistoryJson[] = [];
    const first = await get(user, `/histories/${user.userId}?limit=4`).expect(200);
    expect(first.body.histories).toHaveLength(4);
    expect(typeof first.body.next_cursor).toBe("string");
    rows.push(...first.body.histories);
    const second = await get(user, `/histories/${user.userId}`)
      .query({ limit: 4, cursor: first.body.next_cursor })
      .expect(200);
    expect(second.body.histories).toHaveLength(2);
    expect(second.body.next_cursor).toBeNull();
    rows.push(...second.body.histories);

    const drawOrder = rows.map((r) => r.draw_id).filter((id, i, all) => id !== all[i - 1]);
    expect(drawOrder).toEqual([...drawIds].reverse());
    for (const r of rows) {
      expect(r.created_at).toMatch(ISO_UTC);
      expect(r).toEqual({
        draw_id: expect.any(String),
        item_id: expect.any(Number),
        item_name: expect.any(String),
        rarity: expect.stringMatching(/^(N|R|SR|SSR)$/),
        created_at: expect.any(String),
      });
    }
    const times = rows.map((r) => Date.parse(r.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("when the relay has drained, then inventory counts match the history per item", async () => {
    await stack.drainRelay();
    const histories: HistoryJson[] = (await get(user, `/histories/${user.userId}?limit=100`).expect(200)).body
      .histories;
    const expected = new Map<number, number>();
    for (const h of histories) expected.set(h.item_id, (expected.get(h.item_id) ?? 0) + 1);
    const res = await get(user, `/inventories/${user.userId}`).expect(200);
    const actual = new Map<number, number>();
    for (const e of res.body.items) {
      expect(e).toEqual({
        item_id: expect.any(Number),
        item_name: expect.any(String),
        rarity: expect.stringMatching(/^(N|R|SR|SSR)$/),
        count: expect.any(Number),
      });
      actual.set(e.item_id, e.count);
    }
    expect(actual).toEqual(expected);
  });

  it("when a user never drew, then empty histories with next_cursor null and an empty inventory", async () => {
    const other = await stack.signIn();
    expect((await get(other, `/histories/${other.userId}`).expect(200)).body).toEqual({
      histories: [],
      next_cursor: null,
    });
    expect((await get(other, `/inventories/${other.userId}`).expect(200)).body).toEqual({ items: [] });
  });
});

describe("health", () => {
  it("when the process runs, then /healthz is 200 ok", async () => {
    expect((await request(stack.app).get("/healthz").expect(200)).body).toEqual({ status: "ok" });
  });

  it("when both upstreams serve, then /readyz is 200", async () => {
    const res = await request(stack.app).get("/readyz").expect(200);
    expect(res.body).toEqual({ status: "ok", checks: { gacha: "SERVING", item: "SERVING" } });
  });

  it("when gacha cannot be reached, then /readyz and /draw are 503 with JSON bodies", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createHttpServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const clients = createClients({
      GACHA_SERVICE_ADDR: `127.0.0.1:${closedPort}`,
      ITEM_SERVICE_ADDR: `127.0.0.1:${stack.item.port}`,
    });
    try {
      const app = createServer({
        gacha: clients.gacha,
        item: clients.item,
        deadlineMs: 2_000,
        verifier: stack.verifier,
        logger,
      });
      const ready = await request(app).get("/readyz").expect(503);
      expect(ready.body).toEqual({ status: "unavailable", checks: { gacha: "UNAVAILABLE", item: "SERVING" } });
      const { bearer } = await stack.signIn();
      const res = await request(app).post("/draw").set("Authorization", bearer).send({}).expect(503);
      expectErrorBody(res.body, "UNAVAILABLE");
    } finally {
      clients.close();
    }
  });
});

/** Signs in an account that already exists (signUp registers first). */
async function signUpExisting(username: string): Promise<{ userId: number; token: string }> {
  const res = await request(stack.auth.auth.app).post("/auth/login").send({ username, password: PASSWORD }).expect(200);
  const sub = JSON.parse(Buffer.from(res.body.access_token.split(".")[1], "base64url").toString()).sub as string;
  return { userId: Number(sub), token: res.body.access_token };
}
