import path from "node:path";
import { clientChannelOptions, insecure, startGrpcServer, type Logger, type RunningGrpcServer } from "@gacha/runtime";
import { itemV1 } from "@gacha/proto";
import { grpcServerMetrics, observeDbPool } from "@gacha/telemetry";
import type { GachaConfig } from "./config";
import { openDatabase } from "./db";
import { createDrawRepository } from "./draw-repository";
import { createGrantDelivery, createGrantSender, deliveryLeaseMs } from "./grant-delivery";
import { gachaServiceBinding } from "./grpc-service";
import { createHistoryRepository } from "./history-repository";
import { createLottery } from "./lottery";
import { createGachaMetrics, observeOutboxBacklog } from "./metrics";
import { createOutboxRepository } from "./outbox-repository";
import { loadPool } from "./pool";
import { createRelay } from "./relay";

export interface GachaApp {
  port: number;
  relay: { drainOnce(): Promise<number> };
  close(): Promise<void>;
}

// Resolves to <repo>/proto from both src/ and dist/.
const protoRoot = path.resolve(__dirname, "../../../proto");

/** Builds and starts the gacha service and its outbox relay; tests pass GACHA_GRPC_PORT 0. */
export async function createGachaApp(config: GachaConfig, logger: Logger): Promise<GachaApp> {
  const lottery = createLottery(loadPool(config.GACHA_POOL_FILE)); // fail fast on a bad pool
  const db = openDatabase(config.GACHA_DATABASE_URL, config.GACHA_DB_POOL_SIZE);
  const prisma = db.prisma;
  const item = new itemV1.ItemServiceClient(config.ITEM_SERVICE_ADDR, insecure(), clientChannelOptions);
  const outbox = createOutboxRepository(prisma);
  const send = createGrantSender(item, config.GRANT_DEADLINE_MS);
  const metrics = createGachaMetrics();
  const delivery = createGrantDelivery({ send, outbox, logger, metrics });
  const leaseMs = deliveryLeaseMs(config.GRANT_DEADLINE_MS);
  const relay = createRelay({
    outbox,
    delivery,
    logger,
    leaseMs,
    intervalMs: config.RELAY_INTERVAL_MS,
    batchSize: config.RELAY_BATCH_SIZE,
  });
  const deps = {
    draws: createDrawRepository(prisma),
    histories: createHistoryRepository(prisma),
    lottery,
    delivery,
    leaseMs,
    metrics,
  };
  let server: RunningGrpcServer;
  try {
    server = await startGrpcServer({
      host: config.GRPC_HOST,
      port: config.GACHA_GRPC_PORT,
      services: [gachaServiceBinding(deps, logger)],
      logger,
      onCallEnd: grpcServerMetrics(),
      ...(config.GRPC_REFLECTION
        ? { reflection: { protoRoot, files: ["gacha/v1/gacha.proto", "item/v1/item.proto"] } }
        : {}),
    });
  } catch (err) {
    item.close();
    await db.close();
    throw err;
  }
  relay.start();
  const stopObserving = [observeDbPool(db.pool, "gacha", config.GACHA_DB_POOL_SIZE), observeOutboxBacklog(outbox)];
  return {
    port: server.port,
    relay,
    async close() {
      try {
        await relay.close();
        // In-flight draws finish (inline grants included) before the client and DB go away.
        await server.shutdown(config.SHUTDOWN_TIMEOUT_MS);
      } finally {
        for (const stop of stopObserving) stop();
        item.close();
        await db.close();
      }
    },
  };
}
