// The OTEL_* variables the trace SDK is started from (tracing-env.ts): what a developer or an
// operator sets in a Deployment or a shell, and what a typo turns into.
import {
  batchOptionsFromEnv,
  disabledInstrumentationsFromEnv,
  exportersFromEnv,
  propagatorsFromEnv,
  protocolFromEnv,
  samplerFromEnv,
} from "../src/tracing-env";
import { tracingSettings } from "../src/tracing";

describe("OTEL_* settings for tracing", () => {
  it("when nothing is set, then the SDK's defaults: parent-based always-on, W3C context and baggage, OTLP over http/protobuf", () => {
    expect(samplerFromEnv({})).toEqual({ kind: "parentbased", root: { kind: "always_on" } });
    expect(propagatorsFromEnv({})).toEqual(["tracecontext", "baggage"]);
    expect(exportersFromEnv({})).toEqual(["otlp"]);
    expect(protocolFromEnv({})).toBe("http/protobuf");
    expect(batchOptionsFromEnv({})).toEqual({});
  });

  it("when a ratio sampler is asked for, then the ratio comes from OTEL_TRACES_SAMPLER_ARG", () => {
    expect(
      samplerFromEnv({ OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" }),
    ).toEqual({
      kind: "parentbased",
      root: { kind: "traceidratio", ratio: 0.25 },
    });
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: "always_off" })).toEqual({ kind: "always_off" });
  });

  it("when the sampler or its ratio is wrong, then a warning says so and a safe default is used", () => {
    const warnings: string[] = [];
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }, warnings)).toEqual({
      kind: "traceidratio",
      ratio: 1,
    });
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: "sometimes" }, warnings)).toEqual({
      kind: "parentbased",
      root: { kind: "always_on" },
    });
    expect(warnings).toEqual([
      "OTEL_TRACES_SAMPLER_ARG=2 is not a ratio in [0, 1]: using 1",
      "OTEL_TRACES_SAMPLER=sometimes is not supported: using parentbased_always_on",
    ]);
  });

  it("when OTEL_PROPAGATORS lists names, then the known ones are kept in order and none turns propagation off", () => {
    const warnings: string[] = [];
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: "baggage, tracecontext,b3,baggage" }, warnings)).toEqual([
      "baggage",
      "tracecontext",
    ]);
    expect(warnings).toEqual(["OTEL_PROPAGATORS: b3 is not supported here (tracecontext, baggage, none): ignored"]);
    expect(propagatorsFromEnv({ OTEL_PROPAGATORS: "tracecontext,none" })).toEqual([]);
  });

  it("when OTEL_BSP_* are set, then the batch processor gets them; a malformed one keeps the default", () => {
    const warnings: string[] = [];
    expect(
      batchOptionsFromEnv(
        { OTEL_BSP_SCHEDULE_DELAY: "200", OTEL_BSP_MAX_QUEUE_SIZE: "4096", OTEL_BSP_EXPORT_TIMEOUT: "-1" },
        warnings,
      ),
    ).toEqual({ scheduledDelayMillis: 200, maxQueueSize: 4096 });
    expect(warnings).toEqual(["OTEL_BSP_EXPORT_TIMEOUT=-1 is not a number > 0: using the default"]);
  });

  it("when the traces protocol is set, then it wins over the general one; an unknown one falls back with a warning", () => {
    expect(
      protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/json" }),
    ).toBe("http/json");
    const warnings: string[] = [];
    expect(protocolFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" }, warnings)).toBe("http/protobuf");
    expect(warnings).toHaveLength(1);
  });

  it("when OTEL_TRACES_EXPORTER names none among others, then tracing is off; console is accepted", () => {
    expect(
      tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318", OTEL_TRACES_EXPORTER: "otlp,none" }),
    ).toMatchObject({
      disabledBy: "OTEL_TRACES_EXPORTER",
    });
    expect(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x:4318" }).disabledBy).toBeUndefined();
    expect(exportersFromEnv({ OTEL_TRACES_EXPORTER: "console,otlp" })).toEqual(["console", "otlp"]);
  });

  it("when OTEL_NODE_DISABLED_INSTRUMENTATIONS lists names, then those instrumentations are left out; unknown names are named", () => {
    const warnings: string[] = [];
    expect([
      ...disabledInstrumentationsFromEnv({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: "prisma, grpc,fs" }, warnings),
    ]).toEqual(["prisma", "grpc"]);
    expect(warnings).toEqual([
      "OTEL_NODE_DISABLED_INSTRUMENTATIONS: fs is not one of http, express, grpc, pino, prisma: ignored",
    ]);
    expect(disabledInstrumentationsFromEnv({}).size).toBe(0);
  });
});
