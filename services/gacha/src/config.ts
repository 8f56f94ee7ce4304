import path from "node:path";
import { z } from "zod";
import { databaseUrlEnv } from "@gacha/database";
import { commonConfig, env, loadConfig } from "@gacha/runtime";

// Keys are the environment variable names the Kubernetes manifests use.
const gachaConfigSchema = z.object({
  ...commonConfig,
  GRPC_REFLECTION: env.boolean(false),
  GACHA_DATABASE_URL: databaseUrlEnv("mysql://root@127.0.0.1:3306/gacha"),
  GACHA_DB_POOL_SIZE: env.positiveInt(10),
  GRPC_HOST: z.string().min(1).default("0.0.0.0"),
  GACHA_GRPC_PORT: env.port(50051),
  // GET /metrics (Prometheus text) on its own port, beside the gRPC one.
  METRICS_PORT: env.port(9464),
  ITEM_SERVICE_ADDR: env.address("localhost:50052"),
  // Resolves to services/gacha/config/pool.json from both src/ and dist/.
  GACHA_POOL_FILE: z.string().min(1).default(path.join(__dirname, "../config/pool.json")),
  GRANT_DEADLINE_MS: env.positiveInt(2000),
  RELAY_INTERVAL_MS: env.positiveInt(1000),
  RELAY_BATCH_SIZE: env.positiveInt(100),
});

export type GachaConfig = z.infer<typeof gachaConfigSchema>;

export function loadGachaConfig(environment: NodeJS.ProcessEnv = process.env): GachaConfig {
  return loadConfig(gachaConfigSchema, environment);
}
