import type { ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, Sampler, SpanExporter, SpanProcessor } from "@opentelemetry/sdk-trace";
import {
  batchOptionsFromEnv,
  disabledInstrumentationsFromEnv,
  INSTRUMENTATIONS,
  exportersFromEnv,
  propagatorsFromEnv,
  protocolFromEnv,
  samplerFromEnv,
  type OtlpProtocol,
  type SamplerSpec,
} from "./tracing-env";
import { INSTRUMENTATION_FACTORIES } from "./instrumentations";

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

export interface RunningTracing {
  /** Settings the SDK could not use, for the service's log (it has no logger yet). */
  warnings: string[];
  shutdown(): Promise<void>;
}

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on */

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
