import type { RequestHandler, Response } from "express";
import { HttpError } from "@gacha/runtime";
import { InvalidToken, KeysUnavailable, type TokenVerifier } from "./token-verifier";

// RFC 6750: "Bearer" then one space then the token (base64url segments and dots).
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The user the request acts as: set by requireUser on every API route. */
export function authenticatedUser(res: Response): bigint {
  const userId = res.locals.userId as unknown;
  if (typeof userId !== "bigint") throw new Error("requireUser did not run before this handler");
  return userId;
}

/**
 * `Authorization: Bearer <JWT>` is required: missing or invalid → 401
 * UNAUTHENTICATED with WWW-Authenticate (RFC 6750 3.1: no error code when the
 * token is missing, invalid_token otherwise); keys unreachable → 503. Which
 * check failed is not told to the client (nor logged: an expired token is routine).
 */
export function requireUser(verifier: TokenVerifier): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? null : BEARER.exec(header);
    if (!match) {
      res.setHeader(
        "WWW-Authenticate",
        header === undefined ? 'Bearer realm="gacha"' : 'Bearer realm="gacha", error="invalid_request"',
      );
      return next(
        new HttpError(
          401,
          "UNAUTHENTICATED",
          header === undefined
            ? "sign in: an Authorization: Bearer token is required"
            : "the Authorization header must be: Bearer <token>",
        ),
      );
    }
    verifier.verify(match[1]!).then(
      (userId) => {
        res.locals.userId = userId;
        next();
      },
      (err: unknown) => {
        if (err instanceof KeysUnavailable) {
          return next(new HttpError(503, "UNAVAILABLE", "cannot verify the token right now; try again shortly"));
        }
        if (err instanceof InvalidToken) {
          res.setHeader("WWW-Authenticate", 'Bearer realm="gacha", error="invalid_token"');
          return next(new HttpError(401, "UNAUTHENTICATED", "the token is invalid or expired; sign in again"));
        }
        next(err);
      },
    );
  };
}

/** A user_id in the path or body must be the token's own: another user's is 403. */
export function ensureSameUser(requested: bigint, res: Response): void {
  if (requested !== authenticatedUser(res)) {
    throw new HttpError(403, "PERMISSION_DENIED", "user_id is not the signed-in user");
  }
}
