import type { ObservableResult } from "@opentelemetry/api";
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
  const observeCount = (result: ObservableResult) => {
    result.observe(pool.activeConnections(), { ...name, "db.client.connection.state": "used" });
    result.observe(pool.idleConnections(), { ...name, "db.client.connection.state": "idle" });
  };
  const observeMax = (result: ObservableResult) => result.observe(max, name);
  const observePending = (result: ObservableResult) => result.observe(pool.taskQueueSize(), name);
  count.addCallback(observeCount);
  limit.addCallback(observeMax);
  pending.addCallback(observePending);
  // Stops observing (the pool is closing): a closed pool's zeros would be a lie.
  return () => {
    count.removeCallback(observeCount);
    limit.removeCallback(observeMax);
    pending.removeCallback(observePending);
  };
}
