import type { Logger } from "@gacha/runtime";
import { untraced } from "@gacha/telemetry";
import type { GrantDelivery } from "./grant-delivery";
import type { OutboxRepository } from "./outbox-repository";

export interface RelayOptions {
  outbox: OutboxRepository;
  delivery: GrantDelivery;
  logger: Logger;
  intervalMs: number;
  batchSize: number;
  leaseMs: number;
  /** Deliveries in flight at once, below the DB pool size. */
  concurrency?: number;
}

export interface Relay {
  start(): void;
  /** Delivers every currently due row once; resolves to how many were delivered. */
  drainOnce(): Promise<number>;
  /** Stops the loop and waits for a pass in flight. */
  close(): Promise<void>;
}

/** Retries pending outbox rows. Safe with several replicas: each row is claimed by a conditional UPDATE. */
export function createRelay(o: RelayOptions): Relay {
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const pass = async () => {
    const rows = await o.outbox.listDue(o.batchSize);
    let next = 0;
    let delivered = 0;
    const worker = async () => {
      for (let row = rows[next++]; row; row = rows[next++]) {
        if (!(await o.outbox.claim(row.id, o.leaseMs))) continue; // another replica has it
        if (await o.delivery.deliverOne(row)) delivered++;
      }
    };
    // allSettled: a failed worker must not end the pass while others still run.
    const results = await Promise.allSettled(Array.from({ length: Math.min(o.concurrency ?? 8, rows.length) }, worker));
    const failure = results.find((r) => r.status === "rejected");
    if (failure) throw failure.reason;
    return { selected: rows.length, delivered };
  };
  // A full batch means more may be due; failed rows move into the future, so this ends.
  const drain = async () => {
    let total = 0;
    for (;;) {
      const { selected, delivered } = await pass();
      total += delivered;
      if (selected < o.batchSize || closed) return total;
    }
  };
  // Passes run one after another, whether started by the timer or by drainOnce().
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const tick = async () => {
    try {
      // The scan and claims run every tick: untraced, or each would be a trace of its own.
      // Each delivery is traced anyway (deliverOne starts a linked root span).
      const n = await serialized(() => untraced(drain));
      if (n > 0) o.logger.info({ delivered: n }, "outbox relay delivered pending grants");
    } catch (err) {
      o.logger.error({ err }, "outbox relay pass failed");
    } finally {
      if (!closed) timer = setTimeout(tick, o.intervalMs);
    }
  };

  return {
    start: () => {
      if (!closed && !timer) timer = setTimeout(tick, o.intervalMs);
    },
    drainOnce: () => serialized(() => untraced(drain)),
    async close() {
      closed = true;
      clearTimeout(timer);
      await chain;
    },
  };
}
