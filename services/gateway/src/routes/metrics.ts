import { methodNotAllowed } from "@gacha/runtime";
import { Router } from "express";
import { serveMetrics } from "@gacha/telemetry";

/** GET /metrics: Prometheus text on the gateway's own HTTP port (no second port to open). */
export function metricsRoutes(): Router {
  const router = Router();
  router
    .route("/metrics")
    .get((req, res) => serveMetrics(req, res))
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
