import { z } from "zod";
import { databaseUrlEnv } from "@gacha/database";
import { commonConfig, DRAIN_IDLE_GRACE_MS, env, loadConfig } from "@gacha/runtime";

// Keys are the environment variable names the Kubernetes manifests use.
const authConfigSchema = z.object({
  ...commonConfig,
  AUTH_PORT: env.port(8081),
  HOST: z.string().min(1).default("0.0.0.0"),
  AUTH_DATABASE_URL: databaseUrlEnv("mysql://root@127.0.0.1:3306/auth"),
  AUTH_DB_POOL_SIZE: env.positiveInt(5),
  // PEM private keys, read from files (a mounted Secret), never from the image or git;
  // the previous key stays in the JWKS during a rotation (docs/authentication.md).
  AUTH_SIGNING_KEY_FILE: z.string().min(1, { message: "must name the PEM file of the signing key" }),
  AUTH_PREVIOUS_SIGNING_KEY_FILE: z.string().min(1).optional(),
  AUTH_TOKEN_ISSUER: z.string().min(1).default("gacha-auth"),
  AUTH_TOKEN_AUDIENCE: z.string().min(1).default("gacha-api"),
  AUTH_TOKEN_TTL_SECONDS: env.positiveInt(15 * 60),
  // Failed sign-ins counted per username and per client address within the window;
  // past the limit, that username or client gets 429 for LOGIN_LOCKOUT_SECONDS.
  LOGIN_MAX_FAILURES_PER_USERNAME: env.positiveInt(5),
  LOGIN_MAX_FAILURES_PER_CLIENT: env.positiveInt(20),
  LOGIN_FAILURE_WINDOW_SECONDS: env.positiveInt(15 * 60),
  LOGIN_LOCKOUT_SECONDS: env.positiveInt(15 * 60),
  // Proxies in front of the service whose X-Forwarded-For to believe (Ingress: 1); 0 = none.
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).default(0),
  // How long the SIGTERM drain leaves an idle keep-alive connection open (packages/runtime/src/http/listen.ts,
  // drainHttpServer). The dev overlay and `npm run dev` set 0: nodemon stops the process on every save.
  SHUTDOWN_IDLE_GRACE_MS: env.nonNegativeInt(DRAIN_IDLE_GRACE_MS),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(environment: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}
