import { z } from "zod";
import { commonConfig, env, loadConfig } from "@gacha/runtime";

// Keys are the environment variable names the Kubernetes manifests use.
const gatewayConfigSchema = z.object({
  ...commonConfig,
  PORT: env.port(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  GACHA_SERVICE_ADDR: env.address("localhost:50051"),
  ITEM_SERVICE_ADDR: env.address("localhost:50052"),
  GRPC_DEADLINE_MS: env.positiveInt(3000),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
