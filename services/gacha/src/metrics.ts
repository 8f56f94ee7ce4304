import { meter, untraced } from "@gacha/telemetry";
import type { OutboxRepository } from "./outbox-repository";

export type DeliveryPath = "inline" | "relay";

/** The gacha service's own instruments (names as exported to Prometheus in the comments). */
export interface GachaMetrics {
  /** gacha_draws_total and gacha_draw_items_total{rarity}: new draws only, not idempotent replays. */
  drawn(items: ReadonlyArray<{ rarity: string }>): void;
  /** gacha_outbox_deliveries_total{path, outcome}: GrantItem deliveries, inline or by the relay. */
  delivered(path: DeliveryPath, outcome: "delivered" | "failed", count?: number): void;
}

export function createGachaMetrics(): GachaMetrics {
  const m = meter();
  const draws = m.createCounter("gacha.draws", { description: "Draws committed.", unit: "{draw}" });
  const items = m.createCounter("gacha.draw.items", { description: "Items drawn, by rarity.", unit: "{item}" });
  const deliveries = m.createCounter("gacha.outbox.deliveries", {
    description: "Grant deliveries to the item service, by path (inline, relay) and outcome (delivered, failed).",
    unit: "{delivery}",
  });
  return {
    drawn(drawnItems) {
      draws.add(1);
      for (const item of drawnItems) items.add(1, { rarity: item.rarity });
    },
    delivered(path, outcome, count = 1) {
      if (count > 0) deliveries.add(count, { path, outcome });
    },
  };
}

/**
 * The outbox backlog, read from the database at each scrape (one indexed query, untraced):
 * gacha_outbox_pending (rows not yet delivered) and gacha_outbox_oldest_pending_age_seconds
 * (0 when none is pending). A failed query skips the two series for that scrape rather than
 * reporting a wrong zero. Returns a function that stops observing.
 */
export function observeOutboxBacklog(outbox: Pick<OutboxRepository, "backlog">): () => void {
  const m = meter();
  const pending = m.createObservableGauge("gacha.outbox.pending", {
    description: "Outbox rows not yet delivered to the item service.",
    unit: "{row}",
  });
  const age = m.createObservableGauge("gacha.outbox.oldest_pending.age", {
    description: "Age of the oldest undelivered outbox row (0 when none).",
    unit: "s",
  });
  const callback = async (result: Parameters<Parameters<typeof m.addBatchObservableCallback>[0]>[0]) => {
    const backlog = await untraced(() => outbox.backlog()).catch(() => undefined);
    if (!backlog) return;
    result.observe(pending, backlog.pending);
    result.observe(age, backlog.oldestAgeSeconds);
  };
  m.addBatchObservableCallback(callback, [pending, age]);
  return () => m.removeBatchObservableCallback(callback, [pending, age]);
}
