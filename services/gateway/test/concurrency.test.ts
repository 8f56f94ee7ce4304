import type { Server } from "node:http";
import request from "supertest";
import { startStack, type Stack } from "./stack";

const N = 200;
let stack: Stack;
let server: Server;
beforeAll(async () => {
  // Generous deadline: this checks correctness under contention, not latency on a 2-core CI box.
  stack = await startStack(20_000);
  // One listening server: supertest(app) would open a server per request.
  server = await new Promise<Server>((resolve) => {
    const s = stack.app.listen(0, "127.0.0.1", () => resolve(s));
  });
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await stack?.close();
});

it(`when ${N} draws for one user run concurrently, then all succeed and both databases hold exactly ${N}`, async () => {
  const { userId: user, bearer } = await stack.signIn();
  const responses = await Promise.all(
    Array.from({ length: N }, () => request(server).post("/draw").set("Authorization", bearer).send({ user_id: user })),
  );
  const failures = responses.filter((r) => r.status !== 200).map((r) => `${r.status} ${JSON.stringify(r.body)}`);
  expect(failures).toEqual([]);
  expect(new Set(responses.map((r) => r.body.draw_id)).size).toBe(N);

  await stack.drainRelay();
  const [histories] = await stack.gachaDb.query<{ n: bigint }>(
    "SELECT COUNT(*) AS n FROM histories WHERE user_id = ?",
    [user],
  );
  const [inventory] = await stack.itemDb.query<{ n: bigint | null }>(
    "SELECT SUM(count) AS n FROM inventories WHERE user_id = ?",
    [user],
  );
  expect(Number(histories?.n)).toBe(N);
  expect(Number(inventory?.n)).toBe(N);
});
