import express from "express";
import { closeConnectionsWhenDraining, createDrain, jsonErrorHandlers, requestLog } from "@gacha/runtime";
import { httpServerMetrics, serveMetrics } from "@gacha/telemetry";
import type { AuthDeps } from "./deps";
import { healthRoutes } from "./routes/health";
import { jwksRoutes } from "./routes/jwks";
import { loginRoutes } from "./routes/login";
import { registerRoutes } from "./routes/register";

export type { AuthDeps } from "./deps";

/** Builds the HTTP app (does not listen): app.ts listens, tests use supertest. */
export function createServer(deps: AuthDeps, trustProxyHops = 0): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // req.ip (the per-client login limit) comes from X-Forwarded-For only behind that many proxies.
  app.set("trust proxy", trustProxyHops);
  app.use(httpServerMetrics());
  app.use(requestLog(deps.logger));
  const drain = deps.drain ?? createDrain();
  app.use(closeConnectionsWhenDraining(drain));

  app.use(healthRoutes(deps.checkDatabase, drain));
  app.get("/metrics", (req, res) => serveMetrics(req, res));
  app.use(jwksRoutes(deps));
  app.use(registerRoutes(deps));
  app.use(loginRoutes(deps));

  app.use(...jsonErrorHandlers(deps.logger));
  return app;
}
