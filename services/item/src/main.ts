// First: telemetry patches the modules the imports below load (see ./telemetry).
import { telemetry } from "./telemetry";
import { createLogger, exitOnFatal, onShutdown } from "@gacha/runtime";
import { shutdownTelemetry, startMetricsServer } from "@gacha/telemetry";
import { createItemApp } from "./app";
import { loadItemConfig } from "./config";

async function main(): Promise<void> {
  const config = loadItemConfig();
  const logger = createLogger("item", { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  exitOnFatal(logger);
  logger.info(telemetry, `tracing ${telemetry.tracing}`);
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
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
