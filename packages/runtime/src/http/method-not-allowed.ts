import type { RequestHandler } from "express";
import { HttpError } from "./http-errors";

/** The last handler of a known path: any other method is a 405 naming the allowed ones. */
export function methodNotAllowed(...allowed: string[]): RequestHandler {
  const allow = allowed.join(", ");
  return (req, res, next) => {
    res.setHeader("Allow", allow);
    next(new HttpError(405, "UNIMPLEMENTED", `method ${req.method} is not allowed on this path; allowed: ${allow}`));
  };
}
