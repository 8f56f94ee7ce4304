import type { BatchObservableResult } from "@opentelemetry/api";
import { meter } from "./metrics";

/** The counters a mariadb Pool exposes (structural: this package does not depend on the driver). */
export interface ObservablePool {
  activeConnections(): number;
  idleConnections(): number;
  taskQueueSize(): number;
}

/**
 * The database pool per the semantic conventions: db.client.connection.count by state
 * (used/idle), db.client.connection.max and db.client.connection.pending_requests, read from
 * the pool at each scrape (no timer, no cost between scrapes).
 */
export function observeDbPool(pool: ObservablePool, poolName: string, max: number): () => void {
  const m = meter();
  const name = { "db.client.connection.pool.name": poolName };
  const count = m.createObservableUpDownCounter("db.client.connection.count", {
    description: "Connections in the pool, by state.",
    unit: "{connection}",
  });
  const limit = m.createObservableUpDownCounter("db.client.connection.max", {
    description: "The most connections the pool opens.",
    unit: "{connection}",
  });
  const pending = m.createObservableUpDownCounter("db.client.connection.pending_requests", {
    description: "Requests waiting for a connection.",
    unit: "{request}",
  });
  const observe = (result: BatchObservableResult) => {
    result.observe(count, pool.activeConnections(), { ...name, "db.client.connection.state": "used" });
    result.observe(count, pool.idleConnections(), { ...name, "db.client.connection.state": "idle" });
    result.observe(limit, max, name);
    result.observe(pending, pool.taskQueueSize(), name);
  };
  m.addBatchObservableCallback(observe, [count, limit, pending]);
  // Stops observing (the pool is closing): a closed pool's zeros would be a lie.
  return () => m.removeBatchObservableCallback(observe, [count, limit, pending]);
}
