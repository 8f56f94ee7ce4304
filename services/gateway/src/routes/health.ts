import { type Drain, HttpError, sendError, methodNotAllowed } from "@gacha/runtime";
import { Router } from "express";
import type { UpstreamHealth } from "../upstream-health";

// In Kubernetes, preStop sleeps 5 s before SIGTERM (k8s/base/gateway/deployment.yaml), so the
// endpoints have stopped sending traffic here before the drain begins. This 503 is the second line
// of defence: the listener closes on SIGTERM (new connections are refused), and whoever still asks
// over an open connection (a probe in flight, a balancer checking over keep-alive) hears "not ready".
const shuttingDown = new HttpError(503, "UNAVAILABLE", "gateway is shutting down");

export function healthRoutes(upstreams: UpstreamHealth, drain: Drain): Router {
  const router = Router();
  // Liveness: the process answers. Upstreams are not checked, so their outage never restarts us.
  router
    .route("/healthz")
    .get((_req, res) => {
      res.json({ status: "ok" });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  // Readiness: take traffic only while both upstreams report SERVING, and never once draining
  // (checked again after the upstream check, which the drain may have begun during).
  router
    .route("/readyz")
    .get(async (_req, res) => {
      const checks = drain.draining ? undefined : await upstreams.check();
      if (drain.draining || !checks) return sendError(res, shuttingDown);
      const ready = Object.values(checks).every((s) => s === "SERVING");
      res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", checks });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
