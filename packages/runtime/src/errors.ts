import { status, type ServiceError } from "@grpc/grpc-js";
import type { Logger } from "pino";

/** The one error type the domain throws. `code` is the gRPC status a client sees. */
export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: status,
    message: string,
    readonly options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }
}

export const invalidArgument = (message: string) => new AppError(status.INVALID_ARGUMENT, message);
export const notFound = (message: string) => new AppError(status.NOT_FOUND, message);
export const alreadyExists = (message: string) => new AppError(status.ALREADY_EXISTS, message);
export const unavailable = (message: string, cause?: unknown) => new AppError(status.UNAVAILABLE, message, { cause });

// Signs that the database (or another dependency) could not be reached, as
// reported by Prisma, its MariaDB driver adapter, the driver or Node itself.
const UNAVAILABLE_CODES = new Set([
  // Prisma: unreachable, timeout, closed, pool timeout, no connection for a
  // transaction in time, write conflict or deadlock (retryable)
  "P1001",
  "P1002",
  "P1008",
  "P1017",
  "P2024",
  "P2028",
  "P2034",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "ER_GET_CONNECTION_TIMEOUT",
  "ER_CONNECTION_TIMEOUT",
  "ER_SOCKET_UNEXPECTED_CLOSE",
  "ER_CONNECTION_ALREADY_CLOSED",
  "ER_POOL_ALREADY_CLOSED",
  "ER_CLOSING_POOL",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_LOCK_DEADLOCK",
]);
const UNAVAILABLE_MESSAGE =
  /pool timeout|connection (refused|closed|lost|timeout)|can't reach database|socket has unexpectedly been closed|server has gone away|Lost connection|ECONNREFUSED|ECONNRESET|retrieve (a )?connection from pool/i;
// The same, as MySQL/MariaDB error numbers in a Prisma driver adapter error's
// `originalCode`: mariadb's pool timeout (45028; its message changed between
// driver versions), socket closed (45009), too many connections (1040),
// server shutdown (1053), server gone away / lost (2006, 2013), connection
// killed (1927), lock wait timeout (1205), deadlock (1213).
const UNAVAILABLE_DB_ERRNOS = new Set(["45028", "45009", "1040", "1053", "2006", "2013", "1927", "1205", "1213"]);

/** True when `err`, or anything in its cause chain, says a dependency is unreachable. */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; depth++) {
    // Driver adapters keep the driver's own cause as a plain string.
    if (typeof e === "string") return UNAVAILABLE_MESSAGE.test(e);
    const rec = e as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      errno?: unknown;
      originalCode?: unknown;
      meta?: unknown;
    };
    if (typeof rec.code === "string" && UNAVAILABLE_CODES.has(rec.code)) return true;
    if (typeof rec.originalCode === "string" && UNAVAILABLE_DB_ERRNOS.has(rec.originalCode)) return true;
    if (
      typeof rec.kind === "string" &&
      /DatabaseNotReachable|SocketTimeout|ConnectionClosed|TransactionWriteConflict/.test(rec.kind)
    )
      return true;
    if (typeof rec.message === "string" && UNAVAILABLE_MESSAGE.test(rec.message)) return true;
    // Prisma puts the driver adapter's error under meta, not cause.
    e = rec.cause ?? (rec.meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
  }
  return false;
}

export interface GrpcStatus {
  code: status;
  details: string;
}

/**
 * The single policy that turns any error into the status a client sees.
 * Unknown errors become INTERNAL with a generic message; their detail is
 * logged, never sent.
 */
export function toGrpcStatus(err: unknown, logger: Logger): GrpcStatus {
  if (err instanceof AppError) {
    if (err.code === status.UNAVAILABLE) logger.warn({ err }, err.message);
    return { code: err.code, details: err.message };
  }
  if (isServiceError(err) && (err.code === status.DEADLINE_EXCEEDED || err.code === status.CANCELLED)) {
    return { code: err.code, details: err.details };
  }
  if (isUnavailable(err)) {
    logger.warn({ err }, "dependency unavailable");
    return { code: status.UNAVAILABLE, details: "service temporarily unavailable" };
  }
  logger.error({ err }, "unhandled error");
  return { code: status.INTERNAL, details: "internal error" };
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as ServiceError).code === "number" && "details" in err;
}
