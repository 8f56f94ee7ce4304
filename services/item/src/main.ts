// First: source maps for our own code only (dev start-up time), then telemetry, which
// patches the modules the imports below load (see ./telemetry).
import "@gacha/runtime/dev-source-maps";
import { telemetry } from "./telemetry";
import { createLogger, exitOnFatal, onShutdown, startupErrorMessage } from "@gacha/runtime";
import { logTelemetryStatus, shutdownTelemetry, startMetricsServer } from "@gacha/telemetry";
import { createItemApp } from "./app";
import { loadItemConfig } from "./config";

// The ports this service listens on, by variable, for the message if one is taken.
let ports: Record<string, number> = {};

async function main(): Promise<void> {
  const config = loadItemConfig();
  ports = { ITEM_GRPC_PORT: config.ITEM_GRPC_PORT, METRICS_PORT: config.METRICS_PORT };
  const logger = createLogger("item", { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  exitOnFatal(logger);
  logTelemetryStatus(logger, telemetry);
  const app = await createItemApp(config, logger);
  const metrics = await startMetricsServer(config.GRPC_HOST, config.METRICS_PORT);
  logger.info({ port: metrics.port }, "metrics at /metrics");
  onShutdown(
    logger,
    [
      { name: "grpc server and database", run: () => app.close() },
      { name: "metrics server", run: () => metrics.close() },
      { name: "telemetry (flushes buffered spans)", run: () => shutdownTelemetry() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

main().catch((err: unknown) => {
  // Config errors arrive before there is a logger: print them plainly.
  console.error(startupErrorMessage("item", err, ports));
  process.exit(1);
});
