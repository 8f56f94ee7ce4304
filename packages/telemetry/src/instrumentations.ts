// The maintained OpenTelemetry instrumentations the services use, and how each is set up.
// Required only when tracing starts (tracing.ts); OTEL_NODE_DISABLED_INSTRUMENTATIONS leaves
// any of them out by name.
/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */
import type { Instrumentation } from "@opentelemetry/instrumentation";
import type { InstrumentationName } from "./tracing-env";

// Probes and scrapes would each start a trace every few seconds and bury the draws.
const QUIET_HTTP_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

const IGNORED_PRISMA_SPANS = [
  "prisma:client:operation",
  "prisma:client:serialize",
  "prisma:client:connect",
  "prisma:client:transaction",
  "prisma:client:start_transaction",
  "prisma:client:commit_transaction",
  "prisma:client:rollback_transaction",
];

/** The maintained instrumentations, each required only when it is used. */
export const INSTRUMENTATION_FACTORIES: Record<InstrumentationName, () => Instrumentation> = {
  http: () => {
    const { HttpInstrumentation } =
      require("@opentelemetry/instrumentation-http") as typeof import("@opentelemetry/instrumentation-http");
    return new HttpInstrumentation({
      ignoreIncomingRequestHook: (req) => QUIET_HTTP_PATHS.has((req.url ?? "").split("?")[0] ?? ""),
    });
  },
  express: () => {
    const { ExpressInstrumentation, ExpressLayerType } =
      require("@opentelemetry/instrumentation-express") as typeof import("@opentelemetry/instrumentation-express");
    // No span per Express layer (json parser, request log, drain check, the handler): they
    // tripled the gateway's spans for no insight. The instrumentation still names the HTTP
    // server span after the matched route ("POST /draw"): it sets the route before it skips.
    return new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
    });
  },
  grpc: () => {
    const { GrpcInstrumentation } =
      require("@opentelemetry/instrumentation-grpc") as typeof import("@opentelemetry/instrumentation-grpc");
    // The standard health service (probes, the gateway's readiness): Check and Watch, whatever the casing.
    return new GrpcInstrumentation({ ignoreGrpcMethods: [/^(grpc\.health\.v1\.Health\/)?(check|watch)$/i] });
  },
  pino: () => {
    const { PinoInstrumentation } =
      require("@opentelemetry/instrumentation-pino") as typeof import("@opentelemetry/instrumentation-pino");
    // trace_id and span_id on every log line written inside a span; the lines stay on stdout.
    return new PinoInstrumentation({ disableLogSending: true });
  },
  prisma: () => {
    const { PrismaInstrumentation } = require("@prisma/instrumentation") as typeof import("@prisma/instrumentation");
    // The database spans (prisma:client:db_query, one per SQL statement, with its text) as
    // children of the gRPC call; the client's bookkeeping spans around
    // them (operation, serialize, the transaction's wrapper) doubled the cost of tracing
    // (docs/benchmarks.md) and say nothing the db_query spans do not.
    return new PrismaInstrumentation({ ignoreSpanTypes: IGNORED_PRISMA_SPANS }) as unknown as Instrumentation;
  },
};
