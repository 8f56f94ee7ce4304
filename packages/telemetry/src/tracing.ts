import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { Instrumentation } from "@opentelemetry/instrumentation";
import {
  batchOptionsFromEnv,
  disabledInstrumentationsFromEnv,
  INSTRUMENTATIONS,
  type InstrumentationName,
  exportersFromEnv,
  propagatorsFromEnv,
  protocolFromEnv,
  samplerFromEnv,
  type OtlpProtocol,
  type SamplerSpec,
} from "./tracing-env";

/** What startTracing needs to know; the rest comes from the standard OTEL_* variables. */
export interface TracingSettings {
  endpoint: string | undefined;
  protocol: OtlpProtocol;
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
  let disabledBy: string | undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") disabledBy = "OTEL_SDK_DISABLED";
  else if ((env.OTEL_TRACES_EXPORTER ?? "").split(",").some((e) => e.trim() === "none"))
    disabledBy = "OTEL_TRACES_EXPORTER";
  return { endpoint, protocol: protocolFromEnv(env), disabledBy };
}

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

export interface RunningTracing {
  /** Settings the SDK could not use, for the service's log (it has no logger yet). */
  warnings: string[];
  shutdown(): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */

/** The maintained instrumentations, each required only when it is used. */
const INSTRUMENTATION_FACTORIES: Record<InstrumentationName, () => Instrumentation> = {
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
    // The database spans (prisma:client:db_query, one per SQL statement, with its text, BEGIN
    // and COMMIT included) as children of the gRPC call; the client's bookkeeping spans around
    // them (operation, serialize, the transaction's wrapper) doubled the cost of tracing
    // (docs/benchmarks.md) and say nothing the db_query spans do not.
    return new PrismaInstrumentation({ ignoreSpanTypes: IGNORED_PRISMA_SPANS }) as unknown as Instrumentation;
  },
};

function sampler(spec: SamplerSpec): Sampler {
  const t = require("@opentelemetry/sdk-trace") as typeof import("@opentelemetry/sdk-trace");
  switch (spec.kind) {
    case "always_on":
      return new t.AlwaysOnSampler();
    case "always_off":
      return new t.AlwaysOffSampler();
    case "traceidratio":
      return new t.TraceIdRatioBasedSampler(spec.ratio);
    case "parentbased":
      return new t.ParentBasedSampler({ root: sampler(spec.root) });
  }
}

/** The one OTLP exporter the protocol asks for; each reads its endpoint, headers and timeout from OTEL_*. */
function otlpExporter(protocol: OtlpProtocol): SpanExporter {
  switch (protocol) {
    case "http/json":
      return new (
        require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http")
      ).OTLPTraceExporter();
    case "grpc":
      return new (
        require("@opentelemetry/exporter-trace-otlp-grpc") as typeof import("@opentelemetry/exporter-trace-otlp-grpc")
      ).OTLPTraceExporter();
    case "http/protobuf":
      return new (
        require("@opentelemetry/exporter-trace-otlp-proto") as typeof import("@opentelemetry/exporter-trace-otlp-proto")
      ).OTLPTraceExporter();
  }
}

/**
 * Creates its exporter at the first export (seconds after start, when the batch is due), so
 * loading the OTLP serializer and HTTP client stays out of a restart's critical path.
 */
class ExporterOnFirstUse implements SpanExporter {
  private exporter: SpanExporter | undefined;
  constructor(private readonly create: () => SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.exporter ??= this.create();
    this.exporter.export(spans, done);
  }
  async shutdown(): Promise<void> {
    await this.exporter?.shutdown();
  }
  async forceFlush(): Promise<void> {
    await this.exporter?.forceFlush?.();
  }
}

/**
 * Starts OpenTelemetry's trace SDK for Node (@opentelemetry/sdk-trace with the AsyncLocalStorage
 * context manager) and the maintained instrumentations. Everything is required here, not at
 * the top of the module: with tracing off none of it is even loaded. What NodeSDK would read
 * from OTEL_* for traces is read by tracing-env.ts; the exporter reads its own variables.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): RunningTracing {
  const api = require("@opentelemetry/api") as typeof import("@opentelemetry/api");
  const core = require("@opentelemetry/core") as typeof import("@opentelemetry/core");
  const res = require("@opentelemetry/resources") as typeof import("@opentelemetry/resources");
  const t = require("@opentelemetry/sdk-trace") as typeof import("@opentelemetry/sdk-trace");
  const { AsyncLocalStorageContextManager } =
    require("@opentelemetry/context-async-hooks") as typeof import("@opentelemetry/context-async-hooks");
  const { registerInstrumentations } =
    require("@opentelemetry/instrumentation") as typeof import("@opentelemetry/instrumentation");

  const warnings: string[] = [];
  // Patch the libraries first: they must be hooked before anything requires them.
  const disabled = disabledInstrumentationsFromEnv(env, warnings);
  const unregister = registerInstrumentations({
    instrumentations: INSTRUMENTATIONS.filter((name) => !disabled.has(name)).map((name) =>
      INSTRUMENTATION_FACTORIES[name](),
    ),
  });

  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagators = propagatorsFromEnv(env, warnings).map((p) =>
    p === "tracecontext" ? new core.W3CTraceContextPropagator() : new core.W3CBaggagePropagator(),
  );
  if (propagators.length) api.propagation.setGlobalPropagator(new core.CompositePropagator({ propagators }));

  // service.name: ours, unless OTEL_RESOURCE_ATTRIBUTES or (strongest) OTEL_SERVICE_NAME say otherwise.
  const resource = res
    .defaultResource()
    .merge(res.resourceFromAttributes({ "service.name": serviceName }))
    .merge(
      res.detectResources({
        detectors: [
          res.hostDetector,
          res.processDetector,
          res.resourceAttributesEnvDetector,
          res.serviceNameEnvDetector,
        ],
      }),
    );

  const batch = batchOptionsFromEnv(env, warnings);
  const protocol = protocolFromEnv(env, warnings);
  const spanProcessors: SpanProcessor[] = exportersFromEnv(env, warnings).map((name) =>
    name === "console"
      ? new t.SimpleSpanProcessor({ exporter: new t.ConsoleSpanExporter() })
      : new t.BatchSpanProcessor({
          exporter: new ExporterOnFirstUse(() => otlpExporter(protocol)),
          ...batch,
        }),
  );
  const provider = new t.TracerProvider({ resource, sampler: sampler(samplerFromEnv(env, warnings)), spanProcessors });
  api.trace.setGlobalTracerProvider(provider);
  return {
    warnings: [...new Set(warnings)],
    shutdown: async () => {
      unregister();
      await provider.shutdown();
    },
  };
}
