import { z } from "zod";
import { commonConfig, DRAIN_IDLE_GRACE_MS, env, loadConfig } from "@gacha/runtime";
import { TOKEN_ALGORITHMS } from "./auth/token-verifier";

// Keys are the environment variable names the Kubernetes manifests use.
const gatewayConfigSchema = z.object({
  ...commonConfig,
  PORT: env.port(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  GACHA_SERVICE_ADDR: env.address("localhost:50051"),
  ITEM_SERVICE_ADDR: env.address("localhost:50052"),
  GRPC_DEADLINE_MS: env.positiveInt(3000),
  // How long the SIGTERM drain leaves an idle keep-alive connection open (packages/runtime/src/http/listen.ts,
  // drainHttpServer). The dev overlay and `npm run dev` set 0: nodemon stops the process on every save.
  SHUTDOWN_IDLE_GRACE_MS: env.nonNegativeInt(DRAIN_IDLE_GRACE_MS),
  // Who issues the access tokens: the auth service by default; in prod possibly an external
  // OpenID Connect issuer (its JWKS URL, issuer and audience; docs/authentication.md).
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).default("http://localhost:8081/.well-known/jwks.json"),
  AUTH_ISSUER: z.string().min(1).default("gacha-auth"),
  AUTH_AUDIENCE: z.string().min(1).default("gacha-api"),
  AUTH_ALGORITHM: z.enum(TOKEN_ALGORITHMS).default("ES256"),
  AUTH_JWKS_TIMEOUT_MS: env.positiveInt(2000),
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(30).default(30),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
