// The services' driver pool holds only the connections calls use: a replica at rest keeps one, and
// a burst grows it up to the pool size, never beyond. What makes every replica an HPA may run, plus
// the old pods of a rollout, fit a database's max_connections (docs/kubernetes.md).
import { createTestDatabase, type TestDatabase } from "@gacha/testing";
import { createDatabasePool } from "../src";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase("pool");
});
afterAll(async () => {
  await db?.drop();
});

it("when a pool of 10 has answered one query, then it holds 1 connection; under 16 concurrent queries it grows to 10 and no further", async () => {
  const pool = createDatabasePool(db.url, 10);
  try {
    await pool.query("SELECT 1");
    // the driver's default would have opened all 10 at creation
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.totalConnections()).toBe(1);

    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, pool.totalConnections())), 10);
    try {
      await Promise.all(Array.from({ length: 16 }, () => pool.query("SELECT SLEEP(0.2)")));
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBe(10);
    expect(pool.totalConnections()).toBeLessThanOrEqual(10);
  } finally {
    await pool.end();
  }
});
