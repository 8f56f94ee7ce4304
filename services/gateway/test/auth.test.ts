// Authentication at the gateway, with real tokens from the running auth service
// (its own MariaDB database) and the gateway's verifier fetching its JWKS over HTTP.
import { createHmac, createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import request from "supertest";
import { exportSPKI, importPKCS8, SignJWT } from "jose";
import { newPrivateKeyPem, signUp, startAuthService } from "../../auth/test/support";
import { createServer } from "../src/server";
import { expectErrorBody, logger, startStack, verifierFor, type Stack } from "./stack";

let stack: Stack;
let alice: { userId: number; token: string; bearer: string };
let bob: { userId: number; token: string; bearer: string };
beforeAll(async () => {
  stack = await startStack();
  [alice, bob] = await Promise.all([stack.signIn(), stack.signIn()]);
});
afterAll(() => stack?.close());

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const partsOf = (token: string) => token.split(".") as [string, string, string];
const payloadOf = (token: string) => JSON.parse(Buffer.from(partsOf(token)[1], "base64url").toString());
const headerOf = (token: string) => JSON.parse(Buffer.from(partsOf(token)[0], "base64url").toString());

/** A token signed with the auth service's own current key, with any claims: the key is right, the claims decide. */
async function signedByAuth(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = await importPKCS8(readFileSync(stack.auth.keyFiles.current, "utf8"), "ES256");
  const kid = headerOf(alice.token).kid;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: String(alice.userId),
    iss: "gacha-auth",
    aud: "gacha-api",
    iat: now,
    exp: now + 600,
    jti: "test",
    ...claims,
  })
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT", ...header })
    .sign(key);
}

const inventory = (authorization?: string) => {
  const req = request(stack.app).get(`/inventories/${alice.userId}`);
  return authorization === undefined ? req : req.set("Authorization", authorization);
};

describe("tokens the gateway must refuse (401 UNAUTHENTICATED with WWW-Authenticate: Bearer)", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string | undefined>][] = [
    ["no Authorization header", async () => undefined],
    ["a scheme other than Bearer", async () => `Basic ${Buffer.from("alice:pw").toString("base64")}`],
    ["Bearer without a token", async () => "Bearer "],
    ["not a JWT", async () => "Bearer not-a-jwt"],
    ["alg none", async () => `Bearer ${b64url({ alg: "none", typ: "JWT" })}.${partsOf(alice.token)[1]}.`],
    [
      "HS256 signed with the public key as the secret",
      async () => {
        const publicPem = await exportSPKI(createPublicKey(readFileSync(stack.auth.keyFiles.current, "utf8")));
        const signingInput = `${b64url({ alg: "HS256", typ: "JWT", kid: headerOf(alice.token).kid })}.${partsOf(alice.token)[1]}`;
        const mac = createHmac("sha256", publicPem).update(signingInput).digest("base64url");
        return `Bearer ${signingInput}.${mac}`;
      },
    ],
    [
      "a tampered payload (sub changed to another user)",
      async () => {
        const [h, , sig] = partsOf(bob.token);
        return `Bearer ${h}.${b64url({ ...payloadOf(bob.token), sub: String(alice.userId) })}.${sig}`;
      },
    ],
    [
      "an expired token (beyond the 30 s skew)",
      async () => `Bearer ${await signedByAuth({ exp: now() - 31, iat: now() - 931 })}`,
    ],
    [
      "a token not valid yet (nbf beyond the 30 s skew)",
      async () => `Bearer ${await signedByAuth({ nbf: now() + 60 })}`,
    ],
    ["a wrong iss", async () => `Bearer ${await signedByAuth({ iss: "someone-else" })}`],
    ["a wrong aud", async () => `Bearer ${await signedByAuth({ aud: "another-api" })}`],
    ["no exp", async () => `Bearer ${await signedByAuth({ exp: undefined })}`],
    ["a sub that is not a user id", async () => `Bearer ${await signedByAuth({ sub: "alice" })}`],
    [
      "an unknown kid (signed by a key the JWKS does not have)",
      async () => {
        const stranger = await importPKCS8(await newPrivateKeyPem(), "ES256");
        return `Bearer ${await new SignJWT({ ...payloadOf(alice.token) })
          .setProtectedHeader({ alg: "ES256", kid: "not-a-known-kid", typ: "JWT" })
          .sign(stranger)}`;
      },
    ],
    [
      "the right kid but another key's signature",
      async () => {
        const stranger = await importPKCS8(await newPrivateKeyPem(), "ES256");
        return `Bearer ${await new SignJWT({ ...payloadOf(alice.token) })
          .setProtectedHeader(headerOf(alice.token))
          .sign(stranger)}`;
      },
    ],
  ];
  it.each(cases)("when %s, then 401", async (_name, authorization) => {
    const res = await inventory(await authorization()).expect(401);
    expectErrorBody(res.body, "UNAUTHENTICATED");
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="gacha"/);
  });

  it("when a token is within the 30 s skew (expired 10 s ago, nbf 10 s ahead), then it is accepted", async () => {
    await inventory(`Bearer ${await signedByAuth({ exp: now() - 10, iat: now() - 910 })}`).expect(200);
    await inventory(`Bearer ${await signedByAuth({ nbf: now() + 10 })}`).expect(200);
  });

  it("when the real token is sent, then 200 (the refusals above are about the token, not the route)", async () => {
    await inventory(alice.bearer).expect(200, { items: [] });
  });

  it("when a route needs no token (health, metrics), then it answers without one", async () => {
    await request(stack.app).get("/healthz").expect(200);
    await request(stack.app).get("/readyz").expect(200);
    await request(stack.app).get("/metrics").expect(200);
  });

  it("when a draw has no token, then 401 and nothing is written", async () => {
    const before = await stack.rowCounts();
    const res = await request(stack.app).post("/draw").send({ user_id: alice.userId }).expect(401);
    expectErrorBody(res.body, "UNAUTHENTICATED");
    expect(await stack.rowCounts()).toEqual(before);
  });
});

describe("access across users", () => {
  it("when Alice's token asks for Bob's history, inventory or a draw for Bob, then 403 PERMISSION_DENIED and nothing is written", async () => {
    const before = await stack.rowCounts();
    const asAlice = (req: request.Test) => req.set("Authorization", alice.bearer);
    const responses = [
      await asAlice(request(stack.app).get(`/histories/${bob.userId}`)),
      await asAlice(request(stack.app).get(`/inventories/${bob.userId}`)),
      await asAlice(request(stack.app).post("/draw")).send({ user_id: bob.userId, count: 1 }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(403);
      expectErrorBody(res.body, "PERMISSION_DENIED");
    }
    expect(await stack.rowCounts()).toEqual(before);
  });

  it("when a draw names no user_id, then it is Alice's (sub), and Bob sees none of it", async () => {
    const drawn = await request(stack.app)
      .post("/draw")
      .set("Authorization", alice.bearer)
      .send({ count: 1 })
      .expect(200);
    const mine = await request(stack.app)
      .get(`/histories/${alice.userId}`)
      .set("Authorization", alice.bearer)
      .expect(200);
    expect(mine.body.histories.map((h: { draw_id: string }) => h.draw_id)).toContain(drawn.body.draw_id);
    const bobs = await request(stack.app).get(`/histories/${bob.userId}`).set("Authorization", bob.bearer).expect(200);
    expect(bobs.body.histories).toEqual([]);
  });
});

describe("when the auth service is down", () => {
  it("then tokens whose key is cached still verify, and an unknown kid is 503, never 500", async () => {
    // A gateway of its own, so its key cache starts empty, against an auth service this test stops.
    const auth = await startAuthService();
    let stopped = false;
    try {
      const user = await signUp(auth.url);
      const app = createServer({
        gacha: stack.clients.gacha,
        item: stack.clients.item,
        deadlineMs: 5_000,
        // A short refetch cooldown: an unknown kid then asks auth again instead of trusting a fresh fetch.
        verifier: verifierFor(auth.url, { timeoutMs: 500, refetchCooldownMs: 200 }),
        logger,
      });
      const asUser = () => request(app).get(`/inventories/${user.userId}`).set("Authorization", `Bearer ${user.token}`);
      await asUser().expect(200); // fetches and caches the JWKS

      await auth.close();
      stopped = true;
      await new Promise((r) => setTimeout(r, 300)); // past the cooldown: the next lookups try to fetch
      await asUser().expect(200);

      const stranger = await importPKCS8(await newPrivateKeyPem(), "ES256");
      const unknownKid = await new SignJWT({ ...payloadOf(user.token) })
        .setProtectedHeader({ alg: "ES256", kid: "rotated-in-while-down", typ: "JWT" })
        .sign(stranger);
      const res = await request(app)
        .get(`/inventories/${user.userId}`)
        .set("Authorization", `Bearer ${unknownKid}`)
        .expect(503);
      expectErrorBody(res.body, "UNAVAILABLE");
    } finally {
      if (!stopped) await auth.close();
    }
  });

  it("then a gateway that never fetched the keys answers 503, not 500", async () => {
    const auth = await startAuthService();
    const user = await signUp(auth.url);
    await auth.close();
    const app = createServer({
      gacha: stack.clients.gacha,
      item: stack.clients.item,
      deadlineMs: 5_000,
      verifier: verifierFor(auth.url, { timeoutMs: 500 }),
      logger,
    });
    const res = await request(app)
      .get(`/inventories/${user.userId}`)
      .set("Authorization", `Bearer ${user.token}`)
      .expect(503);
    expectErrorBody(res.body, "UNAVAILABLE");
  });
});
