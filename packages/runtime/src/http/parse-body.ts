import type { z } from "zod";
import { badRequest } from "./http-errors";

/**
 * A JSON-parsed request body checked against a strict zod object: anything
 * else is a 400 naming the first problem (an unknown field by name, else the
 * field's own message).
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("request body must be a JSON object");
  }
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === "unrecognized_keys") throw badRequest(`unknown field: ${issue.keys.join(", ")}`);
    throw badRequest(issue?.message ?? "invalid request body");
  }
  return result.data;
}
