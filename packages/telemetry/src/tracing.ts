/** What startTracing needs to know; the rest comes from the standard OTEL_* variables. */
export interface TracingSettings {
  endpoint: string | undefined;
  protocol: string;
  disabledBy: string | undefined;
}

/**
 * Tracing is on when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or
 * OTEL_EXPORTER_OTLP_ENDPOINT) and neither OTEL_SDK_DISABLED=true nor OTEL_TRACES_EXPORTER=none
 * turns it off. Without one the SDK's default (http://localhost:4318) would be used: we never
 * guess, so an unset endpoint means no SDK, no exporter and no connection at all.
 */
export function tracingSettings(env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const endpoint =
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || "http/protobuf";
  let disabledBy: string | undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") disabledBy = "OTEL_SDK_DISABLED";
  else if (env.OTEL_TRACES_EXPORTER?.trim() === "none") disabledBy = "OTEL_TRACES_EXPORTER";
  return { endpoint, protocol, disabledBy };
}

// Probes and scrapes would each start a trace every few seconds and bury the draws.
const QUIET_HTTP_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

const IGNORED_PRISMA_SPANS = [
  "prisma:client:operation",
  "prisma:client:serialize",
  "prisma:client:connect",
  "prisma:client:start_transaction",
  "prisma:client:commit_transaction",
  "prisma:client:rollback_transaction",
];

export interface RunningTracing {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK with the maintained instrumentations. Everything is
 * required here, not at the top of the module: with tracing off none of it is even loaded.
 * The NodeSDK reads the exporter, protocol, sampler, propagators and batching from OTEL_*.
 */
export function startTracing(serviceName: string): RunningTracing {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
  const { NodeSDK } = require("@opentelemetry/sdk-node") as typeof import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } =
    require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
  const { ExpressInstrumentation, ExpressLayerType } =
    require("@opentelemetry/instrumentation-express") as typeof import("@opentelemetry/instrumentation-express");
  const { GrpcInstrumentation } =
    require("@opentelemetry/instrumentation-grpc") as typeof import("@opentelemetry/instrumentation-grpc");
  const { PinoInstrumentation } =
    require("@opentelemetry/instrumentation-pino") as typeof import("@opentelemetry/instrumentation-pino");
  const { PrismaInstrumentation } = require("@prisma/instrumentation") as typeof import("@prisma/instrumentation");
  /* eslint-enable @typescript-eslint/no-require-imports */
  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => QUIET_HTTP_PATHS.has((req.url ?? "").split("?")[0] ?? ""),
    }),
    // The route's handler only: a span per middleware and router layer (json parser, request
    // log, drain check...) tripled the gateway's spans for no insight.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    // The standard health service (probes, the gateway's readiness): Check and Watch, whatever the casing.
    new GrpcInstrumentation({ ignoreGrpcMethods: [/^(grpc\.health\.v1\.Health\/)?(check|watch)$/i] }),
    // trace_id and span_id on every log line written inside a span; the lines stay on stdout.
    new PinoInstrumentation({ disableLogSending: true }),
    // The database spans (prisma:client:db_query, one per SQL statement, with its text) inside
    // their transaction; the client's bookkeeping spans around them doubled the cost of tracing
    // (docs/benchmarks.md) and say nothing a db_query does not.
    new PrismaInstrumentation({ ignoreSpanTypes: IGNORED_PRISMA_SPANS }),
  ];
  const sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || serviceName,
    instrumentations,
    // Metrics are pulled by Prometheus (metrics.ts), logs go to stdout: neither is pushed over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
