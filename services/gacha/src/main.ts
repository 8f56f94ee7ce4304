import { createLogger, exitOnFatal, onShutdown } from "@gacha/runtime";
import { createGachaApp } from "./app";
import { loadGachaConfig } from "./config";

async function main(): Promise<void> {
  const config = loadGachaConfig();
  const logger = createLogger("gacha", { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  exitOnFatal(logger);
  const app = await createGachaApp(config, logger);
  onShutdown(
    logger,
    [{ name: "outbox relay, grpc server, item client and database", run: () => app.close() }],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

main().catch((err: unknown) => {
  // Config and pool errors arrive before there is a logger: print them plainly.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
