import { z } from "zod";
import { databaseUrlEnv } from "@gacha/database";
import { commonConfig, env, loadConfig } from "@gacha/runtime";

// Keys are the environment variable names the Kubernetes manifests use.
const itemConfigSchema = z.object({
  ...commonConfig,
  GRPC_REFLECTION: env.boolean(false),
  ITEM_DATABASE_URL: databaseUrlEnv("mysql://root@127.0.0.1:3306/item"),
  ITEM_DB_POOL_SIZE: env.positiveInt(10),
  GRPC_HOST: z.string().min(1).default("0.0.0.0"),
  ITEM_GRPC_PORT: env.port(50052),
  // GET /metrics (Prometheus text) on its own port, beside the gRPC one.
  METRICS_PORT: env.port(9465),
});

export type ItemConfig = z.infer<typeof itemConfigSchema>;

export function loadItemConfig(environment: NodeJS.ProcessEnv = process.env): ItemConfig {
  return loadConfig(itemConfigSchema, environment);
}
