import type { IncomingMessage, ServerResponse } from "node:http";
import type { Meter } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { MeterProvider } from "@opentelemetry/sdk-metrics";

/**
 * Instruments measured in seconds. OpenTelemetry's Prometheus compatibility rules export a
 * unit as a name suffix (http.server.request.duration → http_server_request_duration_seconds),
 * which is what the Collector and other SDKs produce and dashboards expect; this exporter
 * release does not add it, so a View per instrument does.
 */
export const SECONDS_INSTRUMENTS = [
  "http.server.request.duration",
  "rpc.server.call.duration",
  "gacha.outbox.oldest_pending.age",
] as const;

interface Metrics {
  provider: MeterProvider;
  exporter: PrometheusExporter;
  meter: Meter;
}

let current: Metrics | undefined;
let serviceName = "unknown_service";

/** Names the service in target_info; call before the first meter() (startTelemetry does). */
export function setMetricsServiceName(name: string): void {
  serviceName = name;
}

/**
 * The process's metrics: an SDK MeterProvider read by a Prometheus exporter that serves
 * nothing by itself (we serve its text on our own routes). Always on: a pull exporter makes
 * no connection. Deliberately not registered as the global MeterProvider, so the tracing
 * instrumentations' own metrics (duplicates of ours) stay no-ops.
 */
function metricsState(): Metrics {
  if (current) return current;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME?.trim() || serviceName }),
    readers: [exporter],
    views: SECONDS_INSTRUMENTS.map((name) => ({ instrumentName: name, name: `${name}_seconds` })),
  });
  current = { provider, exporter, meter: provider.getMeter("@gacha/telemetry") };
  return current;
}

/** The meter every instrument of the services is created on. */
export function meter(): Meter {
  return metricsState().meter;
}

/** Serves the Prometheus text exposition of every instrument (a node:http or Express handler). */
export function serveMetrics(req: IncomingMessage, res: ServerResponse): void {
  metricsState().exporter.getMetricsRequestHandler(req, res);
}

/** Flushes nothing (pull-based) but releases the provider; for shutdown. */
export async function shutdownMetrics(): Promise<void> {
  const m = current;
  current = undefined;
  await m?.provider.shutdown();
}
