import { Router } from "express";
import { HttpError, methodNotAllowed, sendError, type Drain } from "@gacha/runtime";

const shuttingDown = new HttpError(503, "UNAVAILABLE", "auth is shutting down");

export function healthRoutes(checkDatabase: () => Promise<void>, drain: Drain): Router {
  const router = Router();
  // Liveness: the process answers. The database is not checked, so its outage never restarts us.
  router
    .route("/healthz")
    .get((_req, res) => {
      res.json({ status: "ok" });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  // Readiness: the database answers (within the pool's 2 s acquire timeout), and we are not draining.
  router
    .route("/readyz")
    .get(async (_req, res) => {
      if (drain.draining) return sendError(res, shuttingDown);
      const database = await checkDatabase().then(
        () => "SERVING",
        () => "UNAVAILABLE",
      );
      if (drain.draining) return sendError(res, shuttingDown);
      const ready = database === "SERVING";
      res.status(ready ? 200 : 503).json({ status: ready ? "ok" : "unavailable", checks: { database } });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
