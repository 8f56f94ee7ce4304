// An OTLP/HTTP trace receiver in the test process: what a collector or Jaeger would receive.
import { createServer, type Server } from "node:http";

/** One span as the tests need it, from OTLP/JSON (ids are hex strings there). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  links: Array<{ traceId: string; spanId: string }>;
  attributes: Record<string, unknown>;
}

/** One POST /v1/traces as it arrived. */
export interface ReceivedRequest {
  contentType: string;
  body: Buffer;
}

export interface OtlpReceiver {
  endpoint: string;
  requests: ReceivedRequest[];
  /** Every span of every http/json request so far. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };
type JsonSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  links?: Array<{ traceId: string; spanId: string }>;
  attributes?: Array<{ key: string; value: AnyValue }>;
};
type JsonExport = {
  resourceSpans?: Array<{
    resource?: { attributes?: Array<{ key: string; value: AnyValue }> };
    scopeSpans?: Array<{ spans?: JsonSpan[] }>;
  }>;
};

const valueOf = (v: AnyValue) => v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue;
const attributesOf = (list: Array<{ key: string; value: AnyValue }> = []) =>
  Object.fromEntries(list.map((a) => [a.key, valueOf(a.value)]));

function spansOf(request: ReceivedRequest): ReceivedSpan[] {
  if (!request.contentType.startsWith("application/json")) return [];
  const body = JSON.parse(request.body.toString("utf8")) as JsonExport;
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributesOf(rs.resource?.attributes)["service.name"]);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? "",
        name: s.name,
        kind: s.kind,
        links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
        attributes: attributesOf(s.attributes),
      })),
    );
  });
}

/** Listens on 127.0.0.1:0 and answers every export with success, as a collector does. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const contentType = String(req.headers["content-type"] ?? "");
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      requests.push({ contentType, body: Buffer.concat(chunks) });
      // An empty ExportTraceServiceResponse: {} in JSON, zero bytes in protobuf.
      if (contentType.startsWith("application/json"))
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      else res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap(spansOf),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
