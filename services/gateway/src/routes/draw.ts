import express, { Router } from "express";
import { badRequest, callUnary, HttpError, methodNotAllowed } from "@gacha/runtime";
import { authenticatedUser, ensureSameUser, requireUser } from "../auth/require-user";
import type { GatewayDeps } from "../deps";
import { itemJson } from "../json";
import { parseDrawBody, parseIdempotencyKey } from "../validation";

const BODY_LIMIT = "16kb";

export function drawRoutes({ gacha, deadlineMs, verifier }: GatewayDeps): Router {
  const router = Router();
  router
    .route("/draw")
    .post(
      // Who is asking, before anything is read.
      requireUser(verifier),
      // Checked before parsing: a body of another type is never read as JSON.
      (req, _res, next) =>
        next(
          req.is("application/json")
            ? undefined
            : new HttpError(415, "INVALID_ARGUMENT", "content-type must be application/json"),
        ),
      // strict: false so a top-level 1 or "x" reaches our own "must be a JSON object" message.
      express.json({ limit: BODY_LIMIT, strict: false }),
      async (req, res) => {
        // An empty body is not JSON (body-parser would hand us {}, a valid draw for oneself).
        if (req.headers["content-length"] === "0") throw badRequest("request body is empty: send a JSON object");
        const input = parseDrawBody(req.body);
        const idempotencyKey = parseIdempotencyKey(req.headers["idempotency-key"]);
        // After validation: user_id may be omitted (it is the signed-in user); given, it must be that user.
        if (input.userId !== undefined) ensureSameUser(input.userId, res);
        const userId = authenticatedUser(res);
        const drawn = await callUnary(
          gacha.draw.bind(gacha),
          { userId, count: input.count, idempotencyKey },
          { deadlineMs },
        );
        res.json({ draw_id: drawn.drawId, items: drawn.items.map(itemJson) });
      },
    )
    .all(methodNotAllowed("POST"));
  return router;
}
