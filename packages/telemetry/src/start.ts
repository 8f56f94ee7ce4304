import { setMetricsServiceName, shutdownMetrics } from "./metrics";
import { startTracing, tracingSettings, type RunningTracing } from "./tracing";

export interface TelemetryStatus {
  service: string;
  /** on: spans go to endpoint over protocol. off: no SDK, no exporter, no connection. */
  tracing: "on" | "off";
  endpoint?: string;
  protocol?: string;
  /** Why tracing is off. */
  reason?: string;
  /** OTEL_* settings that were malformed or unsupported, and what was used instead. */
  warnings?: string[];
}

let status: TelemetryStatus | undefined;
let tracing: RunningTracing | undefined;

/**
 * Starts telemetry for one service process, once. Must run before grpc-js, express, http and
 * pino are first required (the instrumentations patch them as they load): each service's
 * main.ts imports its ./telemetry module first, for both tsx (dev) and compiled CommonJS.
 */
export function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): TelemetryStatus {
  if (status) return status;
  setMetricsServiceName(service);
  const settings = tracingSettings(env);
  if (!settings.endpoint || settings.disabledBy) {
    status = {
      service,
      tracing: "off",
      reason: settings.disabledBy ? `${settings.disabledBy} turns it off` : "OTEL_EXPORTER_OTLP_ENDPOINT is not set",
    };
    return status;
  }
  tracing = startTracing(service, env);
  status = { service, tracing: "on", endpoint: settings.endpoint, protocol: settings.protocol };
  if (tracing.warnings.length) status.warnings = tracing.warnings;
  return status;
}

/** Logs what startTelemetry did: at warn level when an OTEL_* setting was not usable. */
export function logTelemetryStatus(
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void },
  s: TelemetryStatus = telemetryStatus(),
): void {
  if (s.warnings?.length) logger.warn(s, `tracing ${s.tracing}; some OTEL_* settings were not used`);
  else logger.info(s, `tracing ${s.tracing}`);
}

/** What startTelemetry did; "off" before it ran. */
export function telemetryStatus(): TelemetryStatus {
  return status ?? { service: "unknown_service", tracing: "off", reason: "startTelemetry was not called" };
}

/** Exports the spans still buffered and stops; the last shutdown step of a service. */
export async function shutdownTelemetry(): Promise<void> {
  const t = tracing;
  tracing = undefined;
  await Promise.all([t?.shutdown(), shutdownMetrics()]);
}
