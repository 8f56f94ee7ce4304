import { createLogger, exitOnFatal, onShutdown } from "@gacha/runtime";
import { createItemApp } from "./app";
import { loadItemConfig } from "./config";

async function main(): Promise<void> {
  const config = loadItemConfig();
  const logger = createLogger("item", { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  exitOnFatal(logger);
  const app = await createItemApp(config, logger);
  onShutdown(logger, [{ name: "grpc server and database", run: () => app.close() }], config.SHUTDOWN_TIMEOUT_MS);
}

main().catch((err: unknown) => {
  // Config errors arrive before there is a logger: print them plainly.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
