// The auth service as its own process (node + tsx, as npm run dev runs it): SIGTERM
// lets a sign-in in flight finish, then the process exits 0 after logging its shutdown.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import { reportedPort, spawnService, type ServiceProcess } from "../../../test/faults/support";
import { newPrivateKeyPem, newUsername, PASSWORD } from "./support";

let db: TestDatabase;
let dir: string;
let auth: ServiceProcess | undefined;
afterAll(async () => {
  if (auth && auth.child.exitCode === null) auth.child.kill("SIGKILL");
  await auth?.exited;
  await db?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("when auth gets SIGTERM during sign-ups, then every one in flight completes, and it exits 0", async () => {
  db = await createTestDatabase("auth_term", "auth");
  dir = mkdtempSync(path.join(tmpdir(), "auth-term-"));
  const keyFile = path.join(dir, "key.pem");
  writeFileSync(keyFile, await newPrivateKeyPem());
  auth = spawnService("services/auth/src/main.ts", {
    HOST: "127.0.0.1",
    AUTH_PORT: "0",
    AUTH_DATABASE_URL: db.url,
    AUTH_SIGNING_KEY_FILE: keyFile,
    SHUTDOWN_TIMEOUT_MS: "5000",
    LOG_LEVEL: "info",
    LOG_FORMAT: "json",
  });
  const port = await reportedPort(auth, "auth listening", 30_000);
  const base = `http://127.0.0.1:${port}`;

  // Six sign-ups at once: each spends one scrypt inside the service and libuv runs four at a time,
  // so when the first is answered the others are in flight. SIGTERM then.
  const signUps = Array.from({ length: 6 }, () =>
    fetch(`${base}/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: newUsername("term"), password: PASSWORD }),
      signal: AbortSignal.timeout(20_000),
    }).then((res) => res.status),
  );
  await Promise.race(signUps);
  auth.child.kill("SIGTERM");

  expect(await Promise.all(signUps)).toEqual([201, 201, 201, 201, 201, 201]);
  expect(await auth.exited).toBe(0);
  expect(auth.output()).toMatch(/"msg":"shutting down"/);
  expect(auth.output()).toMatch(/"msg":"stopped"/);
  const [row] = await db.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM users");
  expect(Number(row!.n)).toBe(6);
});
