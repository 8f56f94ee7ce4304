// Without an OTLP endpoint, tracing costs nothing: the SDK, its exporters and the
// instrumentations are never even loaded, so nothing can connect anywhere.
import { spawnSync } from "node:child_process";
import path from "node:path";

const repo = path.resolve(__dirname, "../../..");

// Runs startTelemetry in a fresh node (as a service would) and reports what it loaded.
const probe = `
  const { startTelemetry } = require("./packages/telemetry/src/index.ts");
  const status = startTelemetry("probe");
  const loaded = Object.keys(require.cache)
    .filter((f) => /@opentelemetry[\\\\/](sdk-node|sdk-trace|context-async-hooks|exporter-trace-otlp-[a-z]+|instrumentation|instrumentation-[a-z]+)[\\\\/]|@prisma[\\\\/]instrumentation[\\\\/]/.test(f))
    .map((f) => f.replace(/.*node_modules[\\\\/]/, "").split(/[\\\\/]/).slice(0, 2).join("/"));
  console.log(JSON.stringify({ status, loaded: [...new Set(loaded)].sort() }));
`;

function runProbe(env: Record<string, string>): { status: Record<string, unknown>; loaded: string[] } {
  const out = spawnSync(process.execPath, ["--import", "tsx", "--conditions=development", "-e", probe], {
    cwd: repo,
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (out.status !== 0) throw new Error(`probe failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").pop()!) as { status: Record<string, unknown>; loaded: string[] };
}

describe("tracing off by default", () => {
  it("when no OTLP endpoint is set, then no SDK, exporter or instrumentation is loaded", () => {
    const { status, loaded } = runProbe({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_SERVICE_NAME: "x" });
    expect(status).toEqual({ service: "probe", tracing: "off", reason: "OTEL_EXPORTER_OTLP_ENDPOINT is not set" });
    expect(loaded).toEqual([]);
  }, 60_000);

  it("when OTEL_SDK_DISABLED=true, then tracing stays off even with an endpoint", () => {
    const { status, loaded } = runProbe({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
      OTEL_SDK_DISABLED: "true",
    });
    expect(status).toMatchObject({ tracing: "off", reason: "OTEL_SDK_DISABLED turns it off" });
    expect(loaded).toEqual([]);
  }, 60_000);

  it("when an endpoint is set, then the same probe sees the SDK and the instrumentations loaded (the check can fail)", () => {
    // Port 9 (discard) on loopback: nothing is exported during the probe's lifetime anyway.
    const { status, loaded } = runProbe({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    });
    expect(status).toEqual({ service: "probe", tracing: "on", endpoint: "http://127.0.0.1:9", protocol: "http/json" });
    expect(loaded).toEqual(
      expect.arrayContaining([
        "@opentelemetry/sdk-trace",
        "@opentelemetry/instrumentation-grpc",
        "@opentelemetry/instrumentation-http",
      ]),
    );
  }, 60_000);

  it("when OTEL_NODE_DISABLED_INSTRUMENTATIONS names grpc and prisma, then tracing is on without loading those two", () => {
    const { status, loaded } = runProbe({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9",
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: "grpc,prisma",
    });
    expect(status).toMatchObject({ tracing: "on" });
    expect(loaded).toContain("@opentelemetry/instrumentation-http");
    expect(loaded).not.toContain("@opentelemetry/instrumentation-grpc");
    expect(loaded).not.toContain("@prisma/instrumentation");
  }, 60_000);
});
