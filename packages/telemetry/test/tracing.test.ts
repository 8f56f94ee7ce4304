// One draw is one trace across the three real services (spawned processes, real MariaDB, an
// OTLP/HTTP receiver in this process), with the logs carrying its trace id.
import { scrape, select, sum, value } from "./support/prometheus";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./support/otlp-receiver";
import { draw, eventually, randomHex, startTelemetryStack, type TelemetryStack } from "./support/stack";

jest.setTimeout(90_000);

const SERVER = 2;
const CONSUMER = 5;

/** The span's ancestors (nearest first), following parentSpanId among the spans received. */
function ancestors(span: ReceivedSpan, spans: ReceivedSpan[]): ReceivedSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const chain: ReceivedSpan[] = [];
  for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p);
  return chain;
}

const one = (spans: ReceivedSpan[], what: string, pred: (s: ReceivedSpan) => boolean) => {
  const found = spans.filter(pred);
  if (found.length !== 1)
    throw new Error(`expected one ${what}, got ${found.length}: ${found.map((s) => s.name).join(", ")}`);
  return found[0]!;
};

describe("tracing on (OTLP http/json to a receiver)", () => {
  let receiver: OtlpReceiver;
  let stack: TelemetryStack;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTelemetryStack({
      prefix: "tel_trace",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it("when a caller sends a traceparent, then the draw is one trace continuing it: gateway → gacha → database → item", async () => {
    const traceId = randomHex(16);
    const callerSpanId = randomHex(8);
    const res = await draw(stack.ports.gateway, 4242, 2, { traceparent: `00-${traceId}-${callerSpanId}-01` });
    expect(res.status).toBe(200);

    // Each process exports on its own schedule, so wait for the last span each one ends: both
    // GrantItem server spans (item), the Draw server span (gacha), the /draw server span (gateway).
    const spans = await eventually(() => {
      const all = receiver.spans().filter((s) => s.traceId === traceId);
      const grants = all.filter((s) => s.service === "item" && s.kind === SERVER && s.name.endsWith("/GrantItem"));
      const servers = (service: string) => all.some((s) => s.service === service && s.kind === SERVER);
      return grants.length === 2 && servers("gacha") && servers("gateway") && all;
    }, "the server spans of the draw in all three services");

    const gatewayServer = one(spans, "gateway server span", (s) => s.service === "gateway" && s.kind === SERVER);
    expect(gatewayServer.parentSpanId).toBe(callerSpanId); // the caller's trace, continued
    expect(gatewayServer.attributes["http.route"]).toBe("/draw");
    expect(gatewayServer.name).toBe("POST /draw"); // what the README says to pick in Jaeger

    const gachaServer = one(spans, "gacha Draw span", (s) => s.service === "gacha" && s.kind === SERVER);
    expect(gachaServer.name).toBe("grpc.gacha.v1.GachaService/Draw");
    expect(ancestors(gachaServer, spans)).toContainEqual(gatewayServer);

    const gachaDb = spans.filter((s) => s.service === "gacha" && s.name.startsWith("prisma:"));
    expect(gachaDb.map((s) => s.name)).toContain("prisma:client:db_query");
    for (const s of gachaDb) expect(ancestors(s, spans)).toContainEqual(gachaServer);

    const grants = spans.filter((s) => s.service === "item" && s.kind === SERVER);
    const itemDb = spans.filter((s) => s.service === "item" && s.name === "prisma:client:db_query");
    for (const grant of grants) {
      expect(grant.name).toBe("grpc.item.v1.ItemService/GrantItem");
      expect(ancestors(grant, spans)).toContainEqual(gachaServer);
      expect(itemDb.some((s) => ancestors(s, spans).includes(grant))).toBe(true);
    }
  });

  it("when a draw is handled, then every service's JSON log lines for it carry its trace_id and span_id", async () => {
    const traceId = randomHex(16);
    const res = await draw(stack.ports.gateway, 4243, 1, {
      traceparent: `00-${traceId}-${randomHex(8)}-01`,
      "x-request-id": "req-abc.123",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("req-abc.123");

    const access = await eventually(
      () => stack.logs("gateway").find((l) => l.msg === "request" && l.requestId === "req-abc.123"),
      "the gateway access log line",
    );
    expect(access).toMatchObject({ trace_id: traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/), status: 200 });

    const gachaCall = await eventually(
      () => stack.logs("gacha").find((l) => l.msg === "gRPC call" && l.trace_id === traceId),
      "gacha's debug line for the Draw call",
    );
    expect(gachaCall).toMatchObject({ level: 20, grpcMethod: "gacha.v1.GachaService/Draw", grpcStatus: "OK" });
    expect(gachaCall.durationMs).toEqual(expect.any(Number));
    const itemCall = await eventually(
      () => stack.logs("item").find((l) => l.msg === "gRPC call" && l.trace_id === traceId),
      "item's debug line for the GrantItem call",
    );
    expect(itemCall).toMatchObject({ grpcMethod: "item.v1.ItemService/GrantItem", grpcStatus: "OK" });
    expect(itemCall.span_id).toEqual(expect.stringMatching(/^[0-9a-f]{16}$/));
  });

  it("when a caller sends a malformed X-Request-Id, then the gateway answers with an id of its own", async () => {
    const res = await draw(stack.ports.gateway, 4244, 1, { "x-request-id": "bad id with spaces" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("when the relay polls the outbox, then its scans start no traces of their own", async () => {
    // A grant left pending (as after a failed inline delivery): the relay's scan finds it and
    // delivers it in a trace of its own. The scan ends before that delivery span begins, and each
    // process exports its spans in the order they end, so once the delivery span is here, a
    // traced scan would be too. This does not depend on what other tests ran before.
    const drawId = crypto.randomUUID();
    await stack.gachaDb.query(
      `INSERT INTO outbox (draw_id, item_index, user_id, item_id, item_name, rarity, next_attempt_at)
       VALUES (?, 0, 4245, 1, 'Slime', 'N', NOW(3))`,
      [drawId],
    );
    await eventually(
      () =>
        receiver
          .spans()
          .find(
            (s) => s.service === "gacha" && s.name === "outbox deliver" && s.attributes["gacha.draw_id"] === drawId,
          ),
      "the relay's delivery span for the pending grant",
    );
    const roots = receiver.spans().filter((s) => s.service === "gacha" && !s.parentSpanId);
    expect(roots.filter((s) => s.name.startsWith("prisma:"))).toEqual([]);
  });
});

describe("tracing on, item down: the relay's later delivery", () => {
  let receiver: OtlpReceiver;
  let stack: TelemetryStack;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTelemetryStack({
      prefix: "tel_relay",
      itemDown: true,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
      // The gateway exports http/protobuf: both protocols in one run.
      perService: { gateway: { OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" } },
    });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await receiver?.close();
  });

  it("when item comes back, then the delivery is a new trace linked to the draw's span", async () => {
    const traceId = randomHex(16);
    const res = await draw(stack.ports.gateway, 5151, 1, { traceparent: `00-${traceId}-${randomHex(8)}-01` });
    expect(res.status).toBe(200); // committed; the grant waits in the outbox
    const drawSpan = await eventually(
      () => receiver.spans().find((s) => s.traceId === traceId && s.service === "gacha" && s.kind === SERVER),
      "the gacha Draw span",
    );
    const [row] = await stack.gachaDb.query<{ traceparent: string }>("SELECT traceparent FROM outbox");
    expect(row?.traceparent).toBe(`00-${traceId}-${drawSpan.spanId}-01`);

    // The backlog and the failed inline attempt, as Prometheus sees them while item is down.
    const down = (await scrape(stack.ports.gachaMetrics)).samples;
    expect(value(down, "gacha_outbox_pending")).toBe(1);
    expect(value(down, "gacha_outbox_oldest_pending_age_seconds")).toBeGreaterThan(0);
    expect(value(down, "gacha_outbox_deliveries_total", { path: "inline", outcome: "failed" })).toBe(1);

    await stack.startItem();
    // Attempts made while item was down are linked too; the one that reached item is checked.
    const { delivery, grant } = await eventually(() => {
      const spans = receiver.spans();
      const linked = spans.filter((s) => s.name === "outbox deliver" && s.links.some((l) => l.traceId === traceId));
      for (const d of linked) {
        const g = spans.find((s) => s.traceId === d.traceId && s.service === "item" && s.kind === SERVER);
        if (g) return { delivery: d, grant: g };
      }
      return undefined;
    }, "a relay delivery span whose trace reaches item");
    expect(delivery).toMatchObject({ service: "gacha", kind: CONSUMER, parentSpanId: "" });
    expect(delivery.traceId).not.toBe(traceId);
    expect(delivery.links).toEqual([{ traceId, spanId: drawSpan.spanId }]);
    expect(grant.name).toBe("grpc.item.v1.ItemService/GrantItem");
    expect(ancestors(grant, receiver.spans())).toContainEqual(delivery);

    const up = await eventually(async () => {
      const { samples } = await scrape(stack.ports.gachaMetrics);
      return value(samples, "gacha_outbox_pending") === 0 ? samples : undefined;
    }, "the backlog to drain");
    expect(value(up, "gacha_outbox_deliveries_total", { path: "relay", outcome: "delivered" })).toBe(1);
    // Relay attempts made before item was listening count as failures, one per warning logged
    // (the inline attempt logged the first).
    const failures = stack.logs("gacha").filter((l) => l.msg === "grant delivery failed; left pending").length;
    expect(sum(select(up, "gacha_outbox_deliveries_total", { path: "relay", outcome: "failed" }))).toBe(failures - 1);
  });

  it("when the gateway exports http/protobuf, then the receiver gets protobuf carrying the draw's trace", async () => {
    const traceId = randomHex(16);
    expect((await draw(stack.ports.gateway, 5152, 1, { traceparent: `00-${traceId}-${randomHex(8)}-01` })).status).toBe(
      200,
    );
    // The installed OTLP packages serialize protobuf with a hand-rolled writer and ship no
    // decoder, so the body is checked for raw bytes: the 16-byte trace id, the route, the service.
    const request = await eventually(
      () =>
        receiver.requests.find(
          (r) => !r.contentType.startsWith("application/json") && r.body.includes(Buffer.from(traceId, "hex")),
        ),
      "a protobuf export with the draw's trace id",
    );
    expect(request.contentType).toBe("application/x-protobuf");
    expect(request.body.includes(Buffer.from("/draw"))).toBe(true);
    expect(request.body.includes(Buffer.from("gateway"))).toBe(true);
  });
});
