// Prometheus metrics of the three real services after real traffic, tracing off (metrics do
// not depend on it): the gateway on its HTTP port, gacha and item on METRICS_PORT.
import { scrape, select, sum, value, type Sample } from "./support/prometheus";
import { draw, eventually, startTelemetryStack, type TelemetryStack } from "./support/stack";

jest.setTimeout(90_000);

const DRAWS = 4;
const PER_DRAW = 3;

describe("metrics after traffic (tracing off)", () => {
  let stack: TelemetryStack;
  const rarities: Record<string, number> = {};
  beforeAll(async () => {
    stack = await startTelemetryStack({ prefix: "tel_metrics" });
    for (let i = 0; i < DRAWS; i++) {
      const res = await draw(stack.ports.gateway, 7000 + i, PER_DRAW);
      expect(res.status).toBe(200);
      for (const item of res.body.items ?? []) rarities[item.rarity] = (rarities[item.rarity] ?? 0) + 1;
    }
    expect((await draw(stack.ports.gateway, 0, 1)).status).toBe(400); // one bad request too
  }, 120_000);
  afterAll(() => stack?.close());

  it("when the services start without an OTLP endpoint, then each logs that tracing is off", () => {
    for (const service of ["gateway", "gacha", "item"] as const) {
      expect(stack.logs(service)).toContainEqual(
        expect.objectContaining({
          msg: "tracing off",
          tracing: "off",
          service,
          reason: "OTEL_EXPORTER_OTLP_ENDPOINT is not set",
        }),
      );
    }
  });

  it("when the gateway is scraped, then the HTTP duration histogram counts the draws by route and status", async () => {
    const { contentType, samples } = await scrape(stack.ports.gateway);
    expect(contentType).toMatch(/^text\/plain/);
    const ok = { http_route: "/draw", http_request_method: "POST", http_response_status_code: "200" };
    expect(value(samples, "http_server_request_duration_seconds_count", ok)).toBe(DRAWS);
    expect(
      value(samples, "http_server_request_duration_seconds_count", { ...ok, http_response_status_code: "400" }),
    ).toBe(1);
    const total = value(samples, "http_server_request_duration_seconds_sum", ok);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(DRAWS * 15); // seconds, not milliseconds
    const inf = value(samples, "http_server_request_duration_seconds_bucket", { ...ok, le: "+Inf" });
    expect(inf).toBe(DRAWS);
  });

  it("when gacha is scraped, then draws by rarity, gRPC durations, deliveries, the backlog and the pool are there", async () => {
    // Deliveries are counted after the reply, and one that missed its deadline on this busy
    // machine is the relay's: wait until nothing is pending, then count both paths.
    const now: Sample[] = await eventually(async () => {
      const { samples } = await scrape(stack.ports.gachaMetrics);
      return value(samples, "gacha_outbox_pending") === 0 &&
        sum(select(samples, "gacha_outbox_deliveries_total", { outcome: "delivered" })) === DRAWS * PER_DRAW
        ? samples
        : undefined;
    }, "every grant delivered");

    expect(value(now, "gacha_draws_total")).toBe(DRAWS);
    for (const [rarity, n] of Object.entries(rarities))
      expect(value(now, "gacha_draw_items_total", { rarity })).toBe(n);
    expect(sum(select(now, "gacha_draw_items_total"))).toBe(DRAWS * PER_DRAW);
    expect(
      value(now, "rpc_server_call_duration_seconds_count", {
        rpc_method: "gacha.v1.GachaService/Draw",
        rpc_response_status_code: "OK",
        rpc_system_name: "grpc",
      }),
    ).toBe(DRAWS);
    // Every failed attempt is logged once as a warning.
    const failures = stack.logs("gacha").filter((l) => l.msg === "grant delivery failed; left pending").length;
    expect(sum(select(now, "gacha_outbox_deliveries_total", { outcome: "failed" }))).toBe(failures);
    expect(value(now, "gacha_outbox_pending")).toBe(0);
    expect(value(now, "gacha_outbox_oldest_pending_age_seconds")).toBe(0);
    expect(value(now, "db_client_connection_max", { db_client_connection_pool_name: "gacha" })).toBe(10);
    const used = value(now, "db_client_connection_count", { db_client_connection_state: "used" });
    const idle = value(now, "db_client_connection_count", { db_client_connection_state: "idle" });
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used + idle).toBeGreaterThan(0);
    expect(used + idle).toBeLessThanOrEqual(10);
    expect(value(now, "db_client_connection_pending_requests")).toBe(0);
  });

  it("when item is scraped, then GrantItem durations count every grant and its pool is there", async () => {
    const { samples } = await scrape(stack.ports.itemMetrics);
    const grants = { rpc_method: "item.v1.ItemService/GrantItem", rpc_response_status_code: "OK" };
    // One OK call per grant; a call that outlived gacha's deadline and was redone counts twice.
    expect(value(samples, "rpc_server_call_duration_seconds_count", grants)).toBeGreaterThanOrEqual(DRAWS * PER_DRAW);
    const [applied] = await stack.itemDb.query<{ n: bigint }>("SELECT COUNT(*) AS n FROM grants");
    expect(Number(applied?.n)).toBe(DRAWS * PER_DRAW);
    expect(value(samples, "db_client_connection_max", { db_client_connection_pool_name: "item" })).toBe(10);
  });

  it("when a metrics port is asked for another path or method, then it answers 404 or 405", async () => {
    const base = `http://127.0.0.1:${stack.ports.itemMetrics}`;
    expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(5_000) })).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: "POST", signal: AbortSignal.timeout(5_000) })).status).toBe(405);
    const gw = await fetch(`http://127.0.0.1:${stack.ports.gateway}/metrics`, {
      method: "POST",
      signal: AbortSignal.timeout(5_000),
    });
    expect(gw.status).toBe(405);
  });
});
