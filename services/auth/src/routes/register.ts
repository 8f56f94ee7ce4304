import { Router } from "express";
import { HttpError, methodNotAllowed } from "@gacha/runtime";
import type { AuthDeps } from "../deps";
import { hashPassword } from "../password";
import { parseCredentials } from "../validation";
import { jsonBody } from "./json-body";

export function registerRoutes({ users }: AuthDeps): Router {
  const router = Router();
  router
    .route("/auth/register")
    .post(...jsonBody(), async (req, res) => {
      const { username, password } = parseCredentials(req.body);
      const id = await users.create(username, await hashPassword(password));
      if (id === undefined) throw new HttpError(409, "ALREADY_EXISTS", "username is taken");
      res.status(201).json({ user_id: Number(id) });
    })
    .all(methodNotAllowed("POST"));
  return router;
}
