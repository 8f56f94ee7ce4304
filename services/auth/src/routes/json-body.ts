import express, { type RequestHandler } from "express";
import { HttpError } from "@gacha/runtime";

/**
 * A small JSON body, checked for its type before it is read: anything else is
 * a 415, a malformed or oversize body a 400/413 through the shared error policy.
 */
export function jsonBody(limit = "4kb"): RequestHandler[] {
  return [
    (req, _res, next) =>
      next(
        req.is("application/json")
          ? undefined
          : new HttpError(415, "INVALID_ARGUMENT", "content-type must be application/json"),
      ),
    // strict: false so a top-level 1 or "x" reaches our own "must be a JSON object" message.
    express.json({ limit, strict: false }),
  ];
}
