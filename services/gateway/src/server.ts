import { closeConnectionsWhenDraining, createDrain, jsonErrorHandlers, requestLog } from "@gacha/runtime";
import express from "express";
import { gachaV1, itemV1 } from "@gacha/proto";
import { httpServerMetrics } from "@gacha/telemetry";
import type { GatewayDeps } from "./deps";
import { drawRoutes } from "./routes/draw";
import { healthRoutes } from "./routes/health";
import { historiesRoutes } from "./routes/histories";
import { inventoriesRoutes } from "./routes/inventories";
import { metricsRoutes } from "./routes/metrics";
import { createUpstreamHealth } from "./upstream-health";

export type { GatewayDeps } from "./deps";

/** Builds the HTTP app (does not listen): main.ts listens, tests use supertest. */
export function createServer(deps: GatewayDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // Plain querystring: ?limit=1&limit=2 is an array (rejected), never a nested object.
  app.set("query parser", "simple");
  app.use(httpServerMetrics());
  app.use(requestLog(deps.logger));
  const drain = deps.drain ?? createDrain();
  app.use(closeConnectionsWhenDraining(drain));

  const upstreams = createUpstreamHealth({
    gacha: { service: gachaV1.GachaServiceClient.serviceName, client: deps.gacha },
    item: { service: itemV1.ItemServiceClient.serviceName, client: deps.item },
  });
  app.use(healthRoutes(upstreams, drain));
  app.use(metricsRoutes());
  app.use(drawRoutes(deps));
  app.use(historiesRoutes(deps));
  app.use(inventoriesRoutes(deps));

  app.use(...jsonErrorHandlers(deps.logger));
  return app;
}
