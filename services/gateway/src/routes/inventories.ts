import { Router } from "express";
import { callUnary, methodNotAllowed } from "@gacha/runtime";
import { ensureSameUser, requireUser } from "../auth/require-user";
import type { GatewayDeps } from "../deps";
import { countJson, itemJson } from "../json";
import { parseUserIdParam } from "../validation";

export function inventoriesRoutes({ item, deadlineMs, verifier }: GatewayDeps): Router {
  const router = Router();
  router
    .route("/inventories/:user_id")
    .get(requireUser(verifier), async (req, res) => {
      const userId = parseUserIdParam(req.params.user_id);
      ensureSameUser(userId, res);
      const inventory = await callUnary(item.getInventory.bind(item), { userId }, { deadlineMs });
      res.json({ items: inventory.items.map((e) => ({ ...itemJson(e.item), count: countJson(e.count) })) });
    })
    .all(methodNotAllowed("GET", "HEAD"));
  return router;
}
