// A stand-in for the in-cluster Jaeger's OTLP/HTTP receiver: the real image cannot be pulled
// here. It runs in a container on the system's network under the Service's name and port from
// the rendered dev overlay, so the services' exporters reach it exactly as the dev overlay
// tells them to (http://jaeger:4318). Every POST /v1/traces is kept; GET /received returns
// them (content type + base64 body) through a port published on 127.0.0.1.
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { find, render } from "../../../k8s/test/support/repo";
import { publishedPort, type Scope } from "./podman";

export interface ReceivedExport {
  contentType: string;
  body: Buffer;
}

export interface OtlpStandIn {
  /** Service name and port, as the services resolve it: jaeger:4318 */
  serviceAddr: string;
  received(): Promise<ReceivedExport[]>;
}

const SERVER = `
const http = require("node:http");
const got = [];
http
  .createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST" && req.url === "/v1/traces") {
        got.push({ contentType: String(req.headers["content-type"] || ""), body: Buffer.concat(chunks).toString("base64") });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      } else if (req.method === "GET" && req.url === "/received") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(got));
      } else res.writeHead(404).end();
    });
  })
  .listen(Number(process.env.PORT), "0.0.0.0");
process.on("SIGTERM", () => process.exit(0));
`;

/** Starts the receiver as Service/jaeger's otlp-http port; `image` only has to contain node. */
export async function startOtlpStandIn(scope: Scope, network: string, image: string): Promise<OtlpStandIn> {
  const service = find(render("dev"), "Service", "jaeger");
  const port: number = service.spec.ports.find((p: { name: string }) => p.name === "otlp-http").port;
  const name = scope.name("jaeger");
  const r = await scope.run(name, [
    "--network",
    network,
    "--network-alias",
    service.metadata.name,
    "--publish",
    `127.0.0.1::${port}`,
    "--user",
    "1000:1000",
    "--env",
    `PORT=${port}`,
    "--entrypoint",
    "node",
    image,
    "-e",
    SERVER,
  ]);
  if (r.code !== 0) throw new Error(`starting the OTLP stand-in failed: ${r.stderr}`);
  const local = `127.0.0.1:${await publishedPort(name, port)}`;
  return {
    serviceAddr: `${service.metadata.name}:${port}`,
    received: async () => {
      const res = await fetch(`http://${local}/received`, { signal: AbortSignal.timeout(5_000) });
      const list = (await res.json()) as Array<{ contentType: string; body: string }>;
      return list.map((e) => ({ contentType: e.contentType, body: Buffer.from(e.body, "base64") }));
    },
  };
}

/** The length-delimited fields of one protobuf message, by field number; other fields are skipped. */
function lenFields(bytes: Uint8Array): Array<[number, Uint8Array]> {
  const reader = new BinaryReader(bytes);
  const out: Array<[number, Uint8Array]> = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (wireType === WireType.LengthDelimited) out.push([field, reader.bytes()]);
    else reader.skip(wireType);
  }
  return out;
}
const sub = (bytes: Uint8Array, field: number) =>
  lenFields(bytes)
    .filter(([f]) => f === field)
    .map(([, b]) => b);
const utf8 = (b: Uint8Array) => Buffer.from(b).toString("utf8");

/**
 * service.name and span trace ids per resource of an OTLP ExportTraceServiceRequest in protobuf
 * (opentelemetry-proto: request 1 resource_spans; ResourceSpans 1 resource, 2 scope_spans;
 * Resource 1 attributes; KeyValue 1 key, 2 value; AnyValue 1 string_value; ScopeSpans 2 spans;
 * Span 1 trace_id). The installed OTLP packages only encode, so the wire is read directly.
 */
export function decodeTraceExport(body: Uint8Array): Array<{ service: string; traceIds: string[] }> {
  return sub(body, 1).map((resourceSpans) => {
    const attributes = sub(resourceSpans, 1).flatMap((resource) => sub(resource, 1));
    const serviceName = attributes.find((kv) => sub(kv, 1).map(utf8)[0] === "service.name");
    const service = serviceName ? utf8(sub(sub(serviceName, 2)[0] ?? new Uint8Array(), 1)[0] ?? new Uint8Array()) : "";
    const traceIds = sub(resourceSpans, 2)
      .flatMap((scopeSpans) => sub(scopeSpans, 2))
      .map((span) => Buffer.from(sub(span, 1)[0] ?? []).toString("hex"));
    return { service, traceIds };
  });
}
