// The standard OTEL_* variables of the tracing SDK, read the way the specification
// (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/) and
// @opentelemetry/sdk-node's create-from-env read them. We start the trace SDK ourselves
// (tracing.ts) because requiring sdk-node loads every exporter it knows, logs and metrics
// included, which cost ~60 ms on each restart after a save (docs/hot-reload.md).
// Pure functions of the environment, so they are tested without starting anything.

type Env = NodeJS.ProcessEnv;

const text = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

/** A comma-separated list, trimmed, without empty entries or repeats. */
const listOf = (env: Env, name: string, fallback = ""): string[] => [
  ...new Set(
    (text(env, name) ?? fallback)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ),
];

/** A number > 0 from the environment, or undefined (the SDK's default) with a warning when malformed. */
function positive(env: Env, name: string, warnings: string[]): number | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (Number.isFinite(n) && n > 0) return n;
  warnings.push(`${name}=${raw} is not a number > 0: using the default`);
  return undefined;
}

export type SamplerSpec =
  | { kind: "always_on" | "always_off" }
  | { kind: "traceidratio"; ratio: number }
  | { kind: "parentbased"; root: SamplerSpec };

/**
 * OTEL_TRACES_SAMPLER (+ OTEL_TRACES_SAMPLER_ARG for the ratio samplers). Unset means the
 * SDK's default, parentbased_always_on: a caller's sampling decision is kept.
 */
export function samplerFromEnv(env: Env, warnings: string[] = []): SamplerSpec {
  const ratio = (): number => {
    const raw = text(env, "OTEL_TRACES_SAMPLER_ARG");
    const n = raw === undefined ? NaN : Number(raw);
    if (n >= 0 && n <= 1) return n;
    warnings.push(`OTEL_TRACES_SAMPLER_ARG=${raw ?? ""} is not a ratio in [0, 1]: using 1`);
    return 1;
  };
  const name = text(env, "OTEL_TRACES_SAMPLER") ?? "parentbased_always_on";
  switch (name) {
    case "always_on":
    case "always_off":
      return { kind: name };
    case "traceidratio":
      return { kind: "traceidratio", ratio: ratio() };
    case "parentbased_always_on":
    case "parentbased_always_off":
      return { kind: "parentbased", root: { kind: name === "parentbased_always_on" ? "always_on" : "always_off" } };
    case "parentbased_traceidratio":
      return { kind: "parentbased", root: { kind: "traceidratio", ratio: ratio() } };
    default:
      warnings.push(`OTEL_TRACES_SAMPLER=${name} is not supported: using parentbased_always_on`);
      return { kind: "parentbased", root: { kind: "always_on" } };
  }
}

export type PropagatorName = "tracecontext" | "baggage";

/** OTEL_PROPAGATORS (default tracecontext,baggage); "none" turns propagation off. */
export function propagatorsFromEnv(env: Env, warnings: string[] = []): PropagatorName[] {
  const names = listOf(env, "OTEL_PROPAGATORS", "tracecontext,baggage");
  if (names.includes("none")) return [];
  return names.filter((n): n is PropagatorName => {
    if (n === "tracecontext" || n === "baggage") return true;
    warnings.push(`OTEL_PROPAGATORS: ${n} is not supported here (tracecontext, baggage, none): ignored`);
    return false;
  });
}

export interface BatchOptions {
  maxQueueSize?: number;
  scheduledDelayMillis?: number;
  exportTimeoutMillis?: number;
  maxExportBatchSize?: number;
}

/** OTEL_BSP_*: the batch span processor's queue, delay, timeout and batch size. */
export function batchOptionsFromEnv(env: Env, warnings: string[] = []): BatchOptions {
  const options: BatchOptions = {
    maxQueueSize: positive(env, "OTEL_BSP_MAX_QUEUE_SIZE", warnings),
    scheduledDelayMillis: positive(env, "OTEL_BSP_SCHEDULE_DELAY", warnings),
    exportTimeoutMillis: positive(env, "OTEL_BSP_EXPORT_TIMEOUT", warnings),
    maxExportBatchSize: positive(env, "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", warnings),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as BatchOptions;
}

export type ExporterName = "otlp" | "console";

/** OTEL_TRACES_EXPORTER (default otlp); "none" is handled before (tracing stays off). */
export function exportersFromEnv(env: Env, warnings: string[] = []): ExporterName[] {
  const names = listOf(env, "OTEL_TRACES_EXPORTER", "otlp");
  const known = names.filter((n): n is ExporterName => {
    if (n === "otlp" || n === "console") return true;
    warnings.push(`OTEL_TRACES_EXPORTER: ${n} is not supported (otlp, console, none): ignored`);
    return false;
  });
  return known.length ? known : ["otlp"];
}

export type OtlpProtocol = "http/protobuf" | "http/json" | "grpc";

/** OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf. */
export function protocolFromEnv(env: Env, warnings: string[] = []): OtlpProtocol {
  const p = text(env, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") ?? text(env, "OTEL_EXPORTER_OTLP_PROTOCOL");
  if (p === undefined || p === "http/protobuf" || p === "http/json" || p === "grpc") return p ?? "http/protobuf";
  warnings.push(`OTLP protocol ${p} is not supported (http/protobuf, http/json, grpc): using http/protobuf`);
  return "http/protobuf";
}

export const INSTRUMENTATIONS = ["http", "express", "grpc", "pino", "prisma"] as const;
export type InstrumentationName = (typeof INSTRUMENTATIONS)[number];

/**
 * OTEL_NODE_DISABLED_INSTRUMENTATIONS (the variable of @opentelemetry/auto-instrumentations-node):
 * a comma-separated list of instrumentations not to load, by the name after
 * "@opentelemetry/instrumentation-" (prisma: @prisma/instrumentation).
 */
export function disabledInstrumentationsFromEnv(env: Env, warnings: string[] = []): Set<InstrumentationName> {
  const names = listOf(env, "OTEL_NODE_DISABLED_INSTRUMENTATIONS");
  return new Set(
    names.filter((n): n is InstrumentationName => {
      if ((INSTRUMENTATIONS as readonly string[]).includes(n)) return true;
      warnings.push(`OTEL_NODE_DISABLED_INSTRUMENTATIONS: ${n} is not one of ${INSTRUMENTATIONS.join(", ")}: ignored`);
      return false;
    }),
  );
}
