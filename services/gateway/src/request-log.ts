import type { RequestHandler } from "express";
import type { Logger } from "@gacha/runtime";

/** One info line per request: method, route pattern (not the raw path), status, duration. No bodies. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once("close", () => {
      logger.info(
        {
          method: req.method,
          route: req.route ? `${req.baseUrl}${String(req.route.path)}` : "(unmatched)",
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - start) / 1e6,
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        "request",
      );
    });
    next();
  };
}
