import { Router } from "express";
import { HttpError, methodNotAllowed } from "@gacha/runtime";
import type { AuthDeps } from "../deps";
import { verifyPassword } from "../password";
import { issueAccessToken } from "../tokens";
import { parseCredentials } from "../validation";
import { jsonBody } from "./json-body";

// One message for an unknown username and a wrong password: the answer must not tell which.
const wrongCredentials = () => new HttpError(401, "UNAUTHENTICATED", "wrong username or password");

export function loginRoutes({ users, keys, tokens, limiter, decoyHash }: AuthDeps): Router {
  const router = Router();
  router
    .route("/auth/login")
    .post(...jsonBody(), async (req, res) => {
      const { username, password } = parseCredentials(req.body);
      const client = req.ip ?? "unknown";
      const retryAfter = await limiter.retryAfter(username, client);
      if (retryAfter > 0) {
        res.setHeader("Retry-After", String(retryAfter));
        throw new HttpError(429, "RESOURCE_EXHAUSTED", "too many failed sign-in attempts; try again later");
      }
      const user = await users.findByUsername(username);
      // An unknown username still costs one scrypt (against the decoy), so the
      // time taken does not tell whether the account exists.
      const matches = await verifyPassword(password, user?.passwordHash ?? decoyHash);
      if (!user || !matches) {
        await limiter.recordFailure(username, client);
        throw wrongCredentials();
      }
      await limiter.recordSuccess(username);
      // RFC 6749 5.1: a response carrying a token is never cached.
      res.setHeader("Cache-Control", "no-store");
      res.json(await issueAccessToken(user.id, keys.current, tokens));
    })
    .all(methodNotAllowed("POST"));
  return router;
}
