import type { GrantDelivery } from "../src/grant-delivery";
import type { DueRow, OutboxRepository } from "../src/outbox-repository";
import { createRelay } from "../src/relay";
import { logger, sleep } from "./harness";

// Scheduling only: the claim SQL is raced against MariaDB by several relays in relays-race.test.ts.
const row = (id: number): DueRow => ({
  id: BigInt(id),
  drawId: "d",
  index: id,
  userId: 1n,
  itemId: 1,
  itemName: "x",
  rarity: "N",
  attempts: 0,
});

function fakes(opts: { due: DueRow[][]; claim?: (id: bigint) => boolean; failList?: boolean }) {
  const state = { listing: 0, maxListing: 0, passes: 0, delivered: [] as bigint[] };
  const outbox = {
    async listDue() {
      state.listing++;
      state.maxListing = Math.max(state.maxListing, state.listing);
      await sleep(20);
      state.listing--;
      const pass = state.passes++;
      if (opts.failList) throw new Error("db down");
      return opts.due[pass] ?? [];
    },
    claim: async (id: bigint) => opts.claim?.(id) ?? true,
  } as unknown as OutboxRepository;
  const delivery = { deliverOne: async (r: DueRow) => (state.delivered.push(r.id), true) } as unknown as GrantDelivery;
  return { state, outbox, delivery };
}

describe("relay loop", () => {
  it("when drainOnce is called twice at once, then passes never overlap and a full batch is followed by another", async () => {
    const f = fakes({ due: [[row(1), row(2)], [row(3)], []] });
    const relay = createRelay({ ...f, logger, intervalMs: 60_000, batchSize: 2, leaseMs: 5000 });
    const [a, b] = await Promise.all([relay.drainOnce(), relay.drainOnce()]);
    expect(a + b).toBe(3);
    expect(f.state.maxListing).toBe(1);
    expect(f.state.delivered).toEqual([1n, 2n, 3n]);
    await relay.close();
  });

  it("when another replica holds a row, then it is skipped", async () => {
    const f = fakes({ due: [[row(1), row(2)]], claim: (id) => id !== 1n });
    const relay = createRelay({ ...f, logger, intervalMs: 60_000, batchSize: 10, leaseMs: 5000 });
    expect(await relay.drainOnce()).toBe(1);
    expect(f.state.delivered).toEqual([2n]);
    await relay.close();
  });

  it("when the database fails, then the loop logs and keeps going, and close() waits for the pass in flight", async () => {
    const f = fakes({ due: [], failList: true });
    const relay = createRelay({ ...f, logger, intervalMs: 5, batchSize: 10, leaseMs: 5000 });
    relay.start();
    await sleep(100);
    await relay.close();
    expect(f.state.passes).toBeGreaterThan(1);
    expect(f.state.listing).toBe(0);
    const after = f.state.passes;
    await sleep(50);
    expect(f.state.passes).toBe(after);
  });
});
