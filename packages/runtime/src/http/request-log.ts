import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../logger";

// A caller's id is kept when it is a plain token (a UUID, a proxy's hex id); anything else,
// spaces, control characters, or longer than 128 characters, is replaced, never echoed.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is sane, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * One info line per request: request id, method, route pattern (not the raw path), status,
 * duration. No bodies. The request id is also the X-Request-Id response header, so a caller
 * can quote it; with tracing on the line also carries trace_id and span_id.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", requestId);
    res.once("close", () => {
      logger.info(
        {
          requestId,
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
