// First: source maps for our own code only (dev start-up time), then telemetry, which
// patches the modules the imports below load (see ./telemetry).
import "@gacha/runtime/dev-source-maps";
import { telemetry } from "./telemetry";
import { createLogger, exitOnFatal, onShutdown, startupErrorMessage } from "@gacha/runtime";
import { logTelemetryStatus, shutdownTelemetry } from "@gacha/telemetry";
import { createAuthApp } from "./app";
import { loadAuthConfig } from "./config";

// The ports this service listens on, by variable, for the message if one is taken.
let ports: Record<string, number> = {};

async function main(): Promise<void> {
  const config = loadAuthConfig();
  ports = { AUTH_PORT: config.AUTH_PORT };
  const logger = createLogger("auth", { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  exitOnFatal(logger);
  logTelemetryStatus(logger, telemetry);
  const app = await createAuthApp(config, logger);
  logger.info({ host: config.HOST, port: app.port }, "auth listening");
  onShutdown(
    logger,
    [
      { name: "http server and database", run: () => app.close() },
      { name: "telemetry (flushes buffered spans)", run: () => shutdownTelemetry() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

main().catch((err: unknown) => {
  // Config and key errors arrive before there is a logger: print them plainly.
  console.error(startupErrorMessage("auth", err, ports));
  process.exit(1);
});
