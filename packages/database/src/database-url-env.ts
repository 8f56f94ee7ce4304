import { z } from "zod";
import { parseDatabaseUrl } from "./database-url";

/**
 * A database URL environment variable, checked at start by the same rule the
 * pool applies later (parseDatabaseUrl), so a bad URL fails the config with
 * the variable's name and the reason instead of failing at the first query.
 */
export function databaseUrlEnv(fallback: string) {
  return z
    .string()
    .default(fallback)
    .superRefine((value, ctx) => {
      try {
        parseDatabaseUrl(value);
      } catch (err) {
        // parseDatabaseUrl never puts the password in a message; loadConfig
        // redacts the value itself.
        const reason = (err as Error).message.replace(/^database URL /, "");
        ctx.addIssue({
          code: "custom",
          message: `must be a URL like mysql://user:password@host:3306/database: ${reason}`,
        });
      }
    });
}
