// Against a running system over HTTP only (never its databases):
// `npm run dev`, or skaffold's port-forward; E2E_BASE_URL overrides the gateway's
// address, E2E_AUTH_URL the auth service's. Every user signs up and signs in first.
import { randomBytes } from "node:crypto";
import request from "supertest";

const BASE_URL = process.env.E2E_BASE_URL ?? "http://localhost:8080";
const AUTH_URL = process.env.E2E_AUTH_URL ?? "http://localhost:8081";
const api = () => request(BASE_URL);

interface User {
  id: number;
  bearer: string;
}
/** A new account per case (random name, so reruns never collide), signed in. */
async function signUp(): Promise<User> {
  const credentials = { username: `e2e_${randomBytes(6).toString("hex")}`, password: randomBytes(12).toString("hex") };
  const registered = await request(AUTH_URL).post("/auth/register").send(credentials).expect(201);
  const login = await request(AUTH_URL).post("/auth/login").send(credentials).expect(200);
  expect(login.body.token_type).toBe("Bearer");
  return { id: registered.body.user_id, bearer: `Bearer ${login.body.access_token}` };
}
const as = (user: User) => ({
  draw: (body: object, key?: string) => {
    const req = api().post("/draw").set("Authorization", user.bearer);
    return (key ? req.set("Idempotency-Key", key) : req).send(body);
  },
  get: (path: string) => api().get(path).set("Authorization", user.bearer),
});

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } });

beforeAll(async () => {
  for (const [name, url, variable] of [
    ["gateway", `${BASE_URL}/healthz`, "E2E_BASE_URL"],
    ["auth", `${AUTH_URL}/healthz`, "E2E_AUTH_URL"],
  ]) {
    try {
      const res = await fetch(url!, { signal: AbortSignal.timeout(3_000) });
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
    } catch (err) {
      throw new Error(
        `${name} not reachable at ${url} (${(err as Error).message}): start it with \`npm run dev\`, ` +
          `or port-forward it and set ${variable}`,
        { cause: err },
      );
    }
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

it("when a user signs up, signs in and draws three times, then histories page newest first and the inventory matches", async () => {
  const me = await signUp();
  const user = me.id;
  const drawIds: string[] = [];
  for (const count of [3, 1, 2]) {
    // The first draw names no user_id: it is the signed-in user's.
    const res = await as(me)
      .draw(count === 3 ? { count } : { user_id: user, count })
      .expect(200);
    expect(res.body.items).toHaveLength(count);
    drawIds.push(res.body.draw_id);
  }

  const rows: { draw_id: string; item_id: number; created_at: string }[] = [];
  let cursor: string | null | undefined;
  do {
    const res = await as(me)
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
    const res = await as(me).get(`/inventories/${user}`).expect(200);
    const actual: Record<number, number> = {};
    for (const e of res.body.items as { item_id: number; count: number }[]) actual[e.item_id] = e.count;
    expect(actual).toEqual(expected);
  });
});

it("when a draw is repeated with the same Idempotency-Key, then the same body returns and nothing new is drawn", async () => {
  const me = await signUp();
  const key = `e2e-${randomBytes(8).toString("hex")}`;
  const first = await as(me).draw({ count: 2 }, key).expect(200);
  const again = await as(me).draw({ count: 2 }, key).expect(200);
  expect(again.body).toEqual(first.body);
  expect((await as(me).get(`/histories/${me.id}`).expect(200)).body.histories).toHaveLength(2);
  const conflict = await as(me).draw({ count: 1 }, key).expect(409);
  expect(conflict.body).toEqual(errorBody("ALREADY_EXISTS"));
});

it("when another user's data is asked for, then 403; without a token, 401 with WWW-Authenticate", async () => {
  const [alice, bob] = await Promise.all([signUp(), signUp()]);
  expect((await as(alice).get(`/inventories/${bob.id}`).expect(403)).body).toEqual(errorBody("PERMISSION_DENIED"));
  expect((await as(alice).draw({ user_id: bob.id }).expect(403)).body).toEqual(errorBody("PERMISSION_DENIED"));
  const anonymous = await api().get(`/histories/${alice.id}`).expect(401);
  expect(anonymous.body).toEqual(errorBody("UNAUTHENTICATED"));
  expect(anonymous.headers["www-authenticate"]).toMatch(/^Bearer/);
});

describe("bad input from a signed-in user", () => {
  let me: User;
  beforeAll(async () => {
    me = await signUp();
  });
  it.each([
    ["user_id as a string", 400, "INVALID_ARGUMENT", () => as(me).draw({ user_id: "1" })],
    [
      "malformed JSON",
      400,
      "INVALID_ARGUMENT",
      () => api().post("/draw").set("Authorization", me.bearer).set("content-type", "application/json").send("{"),
    ],
    [
      "text/plain body",
      415,
      "INVALID_ARGUMENT",
      () => api().post("/draw").set("Authorization", me.bearer).set("content-type", "text/plain").send("{}"),
    ],
    ["limit 101", 400, "INVALID_ARGUMENT", () => as(me).get(`/histories/${me.id}?limit=101`)],
    [
      "a cursor the server did not issue",
      400,
      "INVALID_ARGUMENT",
      () => as(me).get(`/histories/${me.id}?cursor=forged`),
    ],
    ["an unknown route", 404, "NOT_FOUND", () => as(me).get("/nope")],
    ["GET /draw", 405, "UNIMPLEMENTED", () => as(me).get("/draw")],
    [
      "a short password at sign-up",
      400,
      "INVALID_ARGUMENT",
      () => request(AUTH_URL).post("/auth/register").send({ username: "e2e_short", password: "short" }),
    ],
  ] as const)("when %s, then %i with a JSON error", async (_name, status, code, send) => {
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual(errorBody(code));
  });
});
