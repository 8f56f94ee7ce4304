import request from "supertest";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { newPrivateKeyPem, newUsername, PASSWORD, startAuthService, type AuthService } from "./support";

const errorBody = (code: string) => ({ error: { code, message: expect.any(String) } });

describe("auth service over HTTP (real MariaDB)", () => {
  let svc: AuthService;
  // Small limits so the lockout is reachable in a test; the defaults are 5 and 20.
  beforeAll(async () => {
    svc = await startAuthService({ LOGIN_MAX_FAILURES_PER_USERNAME: "3", LOGIN_MAX_FAILURES_PER_CLIENT: "8" });
  });
  afterAll(() => svc?.close());
  const api = () => request(svc.auth.app);
  const register = (username: string, password = PASSWORD) => api().post("/auth/register").send({ username, password });
  const login = (username: string, password = PASSWORD) => api().post("/auth/login").send({ username, password });

  describe("POST /auth/register", () => {
    it("when the username is new, then 201 with a positive integer user_id, and only a scrypt hash is stored", async () => {
      const username = newUsername();
      const res = await register(username).expect(201);
      expect(res.body).toEqual({ user_id: expect.any(Number) });
      expect(res.body.user_id).toBeGreaterThan(0);
      const rows = await svc.db.query<{ id: bigint; password_hash: string }>(
        "SELECT id, password_hash FROM users WHERE username = ?",
        [username],
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0]!.id)).toBe(res.body.user_id);
      expect(rows[0]!.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
      expect(rows[0]!.password_hash).not.toContain(PASSWORD);
    });

    it("when the username is taken, then 409 ALREADY_EXISTS, also for two sign-ups at once", async () => {
      const username = newUsername();
      await register(username).expect(201);
      const again = await register(username, "another password 1").expect(409);
      expect(again.body).toEqual(errorBody("ALREADY_EXISTS"));

      const racing = newUsername();
      const statuses = (await Promise.all([register(racing), register(racing)])).map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409]);
    });

    it.each([
      ["a short username", { username: "ab", password: PASSWORD }, /username must be 3 to 32/],
      ["a long username", { username: "a".repeat(33), password: PASSWORD }, /username must be 3 to 32/],
      ["upper case", { username: "Alice", password: PASSWORD }, /username must be/],
      ["a space", { username: "al ice", password: PASSWORD }, /username must be/],
      ["a number as username", { username: 12345, password: PASSWORD }, /username must be/],
      ["a short password", { username: "shortpass", password: "elevenchars" }, /password must be 12 to 128/],
      ["a long password", { username: "longpass", password: "x".repeat(129) }, /password must be 12 to 128/],
      ["no password", { username: "nopass" }, /password must be/],
      ["an extra field", { username: "extra", password: PASSWORD, admin: true }, /unknown field: admin/],
      ["an array body", [1, 2], /must be a JSON object/],
    ])("when the body has %s, then 400 INVALID_ARGUMENT saying what is wrong", async (_what, body, message) => {
      const res = await api()
        .post("/auth/register")
        .send(body as object)
        .expect(400);
      expect(res.body).toEqual(errorBody("INVALID_ARGUMENT"));
      expect(res.body.error.message).toMatch(message);
    });

    it("when the password has exactly 12 or 128 characters (emoji count once), then it is accepted", async () => {
      await register(newUsername(), "twelve chars").expect(201);
      await register(newUsername(), "🔑".repeat(128)).expect(201);
    });

    it("when the body is not JSON or not application/json, then 400 or 415 as JSON", async () => {
      const bad = await api().post("/auth/register").set("content-type", "application/json").send("{nope").expect(400);
      expect(bad.body).toEqual(errorBody("INVALID_ARGUMENT"));
      const form = await api().post("/auth/register").type("form").send("username=a&password=b").expect(415);
      expect(form.body).toEqual(errorBody("INVALID_ARGUMENT"));
      const get = await api().get("/auth/register").expect(405);
      expect(get.body).toEqual(errorBody("UNIMPLEMENTED"));
    });
  });

  describe("POST /auth/login", () => {
    it("when the credentials are right, then 200 with a Bearer token that verifies against the served JWKS", async () => {
      const username = newUsername();
      const { user_id } = (await register(username).expect(201)).body as { user_id: number };
      const res = await login(username).expect(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 900 });

      // Verified the way the gateway does: the JWKS fetched over HTTP from the running service.
      const jwks = createRemoteJWKSet(new URL(`${svc.url}/.well-known/jwks.json`), { timeoutDuration: 5_000 });
      const { payload, protectedHeader } = await jwtVerify(res.body.access_token, jwks, {
        issuer: "gacha-auth",
        audience: "gacha-api",
        algorithms: ["ES256"],
      });
      expect(payload.sub).toBe(String(user_id));
      expect(payload.exp! - payload.iat!).toBe(900);
      expect(protectedHeader.kid).toEqual(expect.any(String));
    });

    it("when the password is wrong or the user does not exist, then the same 401 and similar timing", async () => {
      const username = newUsername();
      await register(username).expect(201);
      const time = async (name: string) => {
        const start = process.hrtime.bigint();
        const res = await login(name, "wrong password!!").expect(401);
        return { body: res.body, ms: Number(process.hrtime.bigint() - start) / 1e6 };
      };
      const wrong = await time(username);
      const unknown = await time(newUsername("ghost"));
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toEqual({ error: { code: "UNAUTHENTICATED", message: "wrong username or password" } });
      // Both paths run one scrypt (~tens of ms): an unknown user is not answered without one.
      expect(unknown.ms).toBeGreaterThan(0.4 * wrong.ms);
      expect(unknown.ms).toBeLessThan(2.5 * wrong.ms);
      await login(username).expect(200); // the right password still works (and resets the count)
    });

    it("when one username fails 3 times, then it gets 429 with Retry-After, even with the right password; other users are not affected", async () => {
      const victim = newUsername("victim");
      const other = newUsername("other");
      await register(victim).expect(201);
      await register(other).expect(201);
      for (let i = 0; i < 3; i++) await login(victim, "wrong password!!").expect(401);
      const locked = await login(victim).expect(429);
      expect(locked.body).toEqual(errorBody("RESOURCE_EXHAUSTED"));
      expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(locked.headers["retry-after"])).toBeLessThanOrEqual(900);
      await login(other).expect(200);
    });
  });

  describe("per-client limit", () => {
    let perClient: AuthService;
    beforeAll(async () => {
      // Behind one trusted proxy, so the client address comes from X-Forwarded-For.
      perClient = await startAuthService({
        LOGIN_MAX_FAILURES_PER_USERNAME: "100",
        LOGIN_MAX_FAILURES_PER_CLIENT: "4",
        TRUST_PROXY_HOPS: "1",
      });
    });
    afterAll(() => perClient?.close());

    it("when one client fails with many usernames, then that client gets 429 and another client does not", async () => {
      const from = (ip: string, username: string, password = "wrong password!!") =>
        request(perClient.auth.app).post("/auth/login").set("X-Forwarded-For", ip).send({ username, password });
      for (let i = 0; i < 4; i++) await from("203.0.113.7", newUsername("spray")).expect(401);
      const blocked = await from("203.0.113.7", newUsername("spray")).expect(429);
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
      await from("203.0.113.8", newUsername("spray")).expect(401);
    });
  });

  describe("health, readiness, JWKS, errors", () => {
    it("when asked, then /healthz and /readyz (database SERVING) answer 200 and /metrics has the HTTP histogram", async () => {
      await api().get("/healthz").expect(200, { status: "ok" });
      await api()
        .get("/readyz")
        .expect(200, { status: "ok", checks: { database: "SERVING" } });
      const metrics = await api().get("/metrics").expect(200);
      expect(metrics.text).toMatch(/http_server_request_duration/);
    });

    it("when the JWKS is fetched, then it has the current public key with kid, alg and use, and may be cached", async () => {
      const res = await api().get("/.well-known/jwks.json").expect(200);
      expect(res.headers["cache-control"]).toMatch(/max-age=\d+/);
      expect(res.body.keys).toEqual([
        {
          kty: "EC",
          crv: "P-256",
          x: expect.any(String),
          y: expect.any(String),
          kid: expect.any(String),
          alg: "ES256",
          use: "sig",
        },
      ]);
    });

    it("when the route is unknown, then 404 JSON", async () => {
      const res = await api().get("/auth/nothing").expect(404);
      expect(res.body).toEqual(errorBody("NOT_FOUND"));
    });
  });
});

describe("auth service start-up", () => {
  it("when the signing key file is missing, then the start fails naming the variable", async () => {
    await expect(startAuthService({ AUTH_SIGNING_KEY_FILE: "/nonexistent/key.pem" })).rejects.toThrow(
      /AUTH_SIGNING_KEY_FILE \/nonexistent\/key\.pem: ENOENT/,
    );
  });

  it("when a previous key is configured, then the JWKS serves both and tokens carry the current kid", async () => {
    const svc = await startAuthService({}, { previous: await newPrivateKeyPem() });
    try {
      const jwks = (await request(svc.auth.app).get("/.well-known/jwks.json").expect(200)).body as {
        keys: { kid: string }[];
      };
      expect(jwks.keys).toHaveLength(2);
      const username = newUsername();
      await request(svc.auth.app).post("/auth/register").send({ username, password: PASSWORD }).expect(201);
      const res = await request(svc.auth.app).post("/auth/login").send({ username, password: PASSWORD }).expect(200);
      expect(decodeProtectedHeader(res.body.access_token).kid).toBe(jwks.keys[0]!.kid);
    } finally {
      await svc.close();
    }
  });
});
