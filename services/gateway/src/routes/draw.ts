import express, { Router } from "express";
import { callUnary, HttpError, methodNotAllowed } from "@gacha/runtime";
import type { GatewayDeps } from "../deps";
import { itemJson } from "../json";
import { parseDrawBody, parseIdempotencyKey } from "../validation";

const BODY_LIMIT = "16kb";

export function drawRoutes({ gacha, deadlineMs }: GatewayDeps): Router {
  const router = Router();
  router
    .route("/draw")
    .post(
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
        const input = parseDrawBody(req.body);
        const idempotencyKey = parseIdempotencyKey(req.headers["idempotency-key"]);
        const drawn = await callUnary(
          gacha.draw.bind(gacha),
          { userId: input.userId, count: input.count, idempotencyKey },
          { deadlineMs },
        );
        res.json({ draw_id: drawn.drawId, items: drawn.items.map(itemJson) });
      },
    )
    .all(methodNotAllowed("POST"));
  return router;
}
