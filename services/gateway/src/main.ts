// First: source maps for our own code only (dev start-up time), then telemetry, which
// patches the modules the imports below load (see ./telemetry).
import "@gacha/runtime/dev-source-maps";
import type { AddressInfo } from "node:net";
import { telemetry } from "./telemetry";
import {
  createDrain,
  createLogger,
  drainHttpServer,
  exitOnFatal,
  listen,
  onShutdown,
  startupErrorMessage,
} from "@gacha/runtime";
import { logTelemetryStatus, shutdownTelemetry } from "@gacha/telemetry";
import { createTokenVerifier } from "./auth/token-verifier";
import { createClients } from "./clients";
import { loadGatewayConfig } from "./config";
import { createServer } from "./server";

// The ports this service listens on, by variable, for the message if one is taken.
let ports: Record<string, number> = {};

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  ports = { PORT: config.PORT };
  const logger = createLogger("gateway", {
    level: config.LOG_LEVEL,
    ...(config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {}),
  });
  exitOnFatal(logger);
  logTelemetryStatus(logger, telemetry);
  const clients = createClients(config);
  const drain = createDrain();
  const app = createServer({
    gacha: clients.gacha,
    item: clients.item,
    deadlineMs: config.GRPC_DEADLINE_MS,
    verifier: createTokenVerifier({
      jwksUrl: new URL(config.AUTH_JWKS_URL),
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      algorithm: config.AUTH_ALGORITHM,
      timeoutMs: config.AUTH_JWKS_TIMEOUT_MS,
      clockToleranceSeconds: config.AUTH_CLOCK_SKEW_SECONDS,
    }),
    logger,
    drain,
  });
  const server = await listen(app, config.HOST, config.PORT);
  // The bound port, not the configured one: PORT=0 (tests) takes any free port and says which.
  logger.info({ host: config.HOST, port: (server.address() as AddressInfo).port }, "gateway listening");
  onShutdown(
    logger,
    [
      {
        name: "http server",
        run: () => drainHttpServer(server, drain, config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_IDLE_GRACE_MS),
      },
      { name: "grpc clients", run: async () => clients.close() },
      { name: "telemetry (flushes buffered spans)", run: () => shutdownTelemetry() },
    ],
    config.SHUTDOWN_TIMEOUT_MS,
  );
}

void main().catch((err: unknown) => {
  console.error(startupErrorMessage("gateway", err, ports));
  process.exit(1);
});
