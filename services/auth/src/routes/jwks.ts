import { Router } from "express";
import { methodNotAllowed } from "@gacha/runtime";
import type { AuthDeps } from "../deps";

// Verifiers may cache the set this long; a rotation publishes the next key as
// "previous"-then-"current" long before it matters (docs/authentication.md).
const MAX_AGE_SECONDS = 300;

/** GET /.well-known/jwks.json: the public keys, current and (during a rotation) previous. */
export function jwksRoutes({ keys }: AuthDeps): Router {
  const router = Router();
  router
    .route("/.well-known/jwks.json")
    .get((_req, res) => {
      res.setHeader("Cache-Control", `public, max-age=${MAX_AGE_SECONDS}`);
      res.json(keys.jwks);
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
