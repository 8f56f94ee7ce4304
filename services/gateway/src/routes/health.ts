import { Router } from "express";
import type { UpstreamHealth } from "../upstream-health";
import { methodNotAllowed } from "./method-not-allowed";

export function healthRoutes(upstreams: UpstreamHealth): Router {
  const router = Router();
  // Liveness: the process answers. Upstreams are not checked, so their outage never restarts us.
  router
    .route("/healthz")
    .get((_req, res) => {
      res.json({ status: "ok" });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  // Readiness: take traffic only while both upstreams report SERVING.
  router
    .route("/readyz")
    .get(async (_req, res) => {
      const checks = await upstreams.check();
      const ready = Object.values(checks).every((s) => s === "SERVING");
      res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", checks });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
