import { status } from "@grpc/grpc-js";
import type { ErrorRequestHandler, RequestHandler, Response } from "express";
import { isServiceError } from "../errors";
import type { Logger } from "../logger";

/**
 * The gateway's one error policy: every failure becomes
 * `{"error": {"code": <gRPC status name>, "message"}}` with an HTTP status.
 * `code` is always a gRPC status name, also for errors born in HTTP itself, so
 * clients switch on one vocabulary: 413 and 415 are INVALID_ARGUMENT (the
 * request is wrong and retrying it unchanged cannot help), 404 is NOT_FOUND and
 * 405 is UNIMPLEMENTED (the operation is not supported on that path).
 */
export type StatusName = keyof typeof status;

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly code: StatusName,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, "INVALID_ARGUMENT", message);

// Upstream statuses a client can act on; everything else is a 500.
const GRPC_TO_HTTP = new Map<status, number>([
  [status.INVALID_ARGUMENT, 400],
  [status.NOT_FOUND, 404],
  [status.ALREADY_EXISTS, 409],
  [status.ABORTED, 409],
  [status.RESOURCE_EXHAUSTED, 429],
  [status.UNAVAILABLE, 503],
  [status.DEADLINE_EXCEEDED, 504],
]);

// Transport-level details (addresses, socket errors) stay in the log.
const FIXED_MESSAGES = new Map<status, string>([
  [status.UNAVAILABLE, "service temporarily unavailable"],
  [status.DEADLINE_EXCEEDED, "upstream deadline exceeded"],
]);

// body-parser errors carry `type`; their status is 4xx for client faults.
// Errors it passes through from zlib (a body that does not decode with its
// Content-Encoding) have no `type`, only http-errors' `status` and `expose`.
interface BodyParserError {
  type?: string;
  status: number;
  expose?: boolean;
  limit?: number;
}
const BODY_ERRORS: Record<string, (e: BodyParserError) => HttpError> = {
  "entity.parse.failed": () => badRequest("request body is not valid JSON"),
  "entity.too.large": (e) =>
    new HttpError(413, "INVALID_ARGUMENT", `request body is larger than ${e.limit ?? "the limit of"} bytes`),
  "encoding.unsupported": () => new HttpError(415, "INVALID_ARGUMENT", "unsupported content encoding"),
  "charset.unsupported": () => new HttpError(415, "INVALID_ARGUMENT", "unsupported charset: use utf-8"),
};

function isBodyParserError(err: unknown): err is BodyParserError {
  const e = err as Partial<BodyParserError> | null;
  return typeof e?.status === "number" && (typeof e.type === "string" || e.expose === true);
}

/** Turns anything thrown while handling a request into the error the client sees. */
export function toHttpError(err: unknown, logger: Logger): HttpError {
  if (err instanceof HttpError) return err;
  if (isBodyParserError(err)) {
    const known = err.type === undefined ? undefined : BODY_ERRORS[err.type];
    if (known) return known(err);
    if (err.status >= 400 && err.status < 500) return badRequest("invalid request body");
  }
  if (isServiceError(err)) {
    const httpStatus = GRPC_TO_HTTP.get(err.code);
    if (httpStatus !== undefined) {
      const fixed = FIXED_MESSAGES.get(err.code);
      if (fixed) logger.warn({ code: status[err.code], details: err.details }, fixed);
      return new HttpError(httpStatus, status[err.code] as StatusName, fixed ?? err.details);
    }
  }
  logger.error({ err }, "unhandled error");
  return new HttpError(500, "INTERNAL", "internal error");
}

export function sendError(res: Response, err: HttpError): void {
  res.status(err.status).json({ error: { code: err.code, message: err.message } });
}

/**
 * The last two handlers of an app: an unknown route is a 404, and everything
 * thrown, body-parser errors included, becomes the JSON error (Express's HTML
 * error page is never reached).
 */
export function jsonErrorHandlers(logger: Logger): [RequestHandler, ErrorRequestHandler] {
  return [
    (req, _res, next) => next(new HttpError(404, "NOT_FOUND", `no route for ${req.method} ${req.path}`)),
    (err, _req, res, next) => {
      if (res.headersSent) return next(err);
      sendError(res, toHttpError(err, logger));
    },
  ];
}
