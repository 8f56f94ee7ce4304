import path from "node:path";
import { startGrpcServer, type Logger } from "@gacha/runtime";
import { grpcServerMetrics, observeDbPool } from "@gacha/telemetry";
import type { ItemConfig } from "./config";
import { openDatabase } from "./db";
import { itemServiceBinding } from "./grpc-service";
import { createInventoryRepository } from "./inventory-repository";

export interface ItemApp {
  port: number;
  close(): Promise<void>;
}

// Resolves to <repo>/proto from both src/ and dist/.
const protoRoot = path.resolve(__dirname, "../../../proto");

/** Builds and starts the item service; tests pass ITEM_GRPC_PORT 0. */
export async function createItemApp(config: ItemConfig, logger: Logger): Promise<ItemApp> {
  const db = openDatabase(config.ITEM_DATABASE_URL, config.ITEM_DB_POOL_SIZE);
  const prisma = db.prisma;
  const repo = createInventoryRepository(prisma);
  let server;
  try {
    server = await startGrpcServer({
      host: config.GRPC_HOST,
      port: config.ITEM_GRPC_PORT,
      services: [itemServiceBinding(repo, logger)],
      logger,
      onCallEnd: grpcServerMetrics(),
      ...(config.GRPC_REFLECTION
        ? { reflection: { protoRoot, files: ["gacha/v1/gacha.proto", "item/v1/item.proto"] } }
        : {}),
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  const running = server;
  const stopObservingPool = observeDbPool(db.pool, "item", config.ITEM_DB_POOL_SIZE);
  return {
    port: running.port,
    async close() {
      try {
        await running.shutdown(config.SHUTDOWN_TIMEOUT_MS);
      } finally {
        stopObservingPool();
        await db.close();
      }
    },
  };
}
