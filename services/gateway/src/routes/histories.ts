import { Router } from "express";
import { callUnary, methodNotAllowed } from "@gacha/runtime";
import { ensureSameUser, requireUser } from "../auth/require-user";
import type { GatewayDeps } from "../deps";
import { itemJson, timestampJson } from "../json";
import { parseCursor, parseLimit, parseUserIdParam } from "../validation";

export function historiesRoutes({ gacha, deadlineMs, verifier }: GatewayDeps): Router {
  const router = Router();
  router
    .route("/histories/:user_id")
    .get(requireUser(verifier), async (req, res) => {
      const request = {
        userId: parseUserIdParam(req.params.user_id),
        limit: parseLimit(req.query.limit),
        cursor: parseCursor(req.query.cursor),
      };
      // After validation: malformed input is a 400 whoever asks.
      ensureSameUser(request.userId, res);
      const page = await callUnary(gacha.getHistories.bind(gacha), request, { deadlineMs });
      res.json({
        histories: page.histories.map((h) => ({
          draw_id: h.drawId,
          ...itemJson(h.item),
          created_at: timestampJson(h.createdAt),
        })),
        next_cursor: page.nextCursor === "" ? null : page.nextCursor,
      });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
