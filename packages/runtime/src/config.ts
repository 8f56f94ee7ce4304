import { z } from "zod";

/** Thrown when the environment does not match a service's config schema. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the environment once, at start, into a typed object. Fails fast with
 * one line per bad variable, naming it, so a misconfigured pod says why it
 * crashed in its first log line.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = issue.path.length ? env[String(issue.path[0])] : undefined;
    const shown = value === undefined ? "unset" : `got ${JSON.stringify(redact(String(issue.path[0]), value))}`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
}

// Database URLs carry passwords: never echo them back in an error.
function redact(name: string, value: string): string {
  return /URL|PASSWORD|SECRET|TOKEN/i.test(name) ? "<redacted>" : value;
}

/**
 * Reusable field parsers for environment variables (all strings). Database URLs:
 * databaseUrlEnv in @gacha/database (the rule the pool applies).
 */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  nonNegativeInt: (fallback: number) => z.coerce.number().int().min(0).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .default(fallback ? "true" : "false")
      .transform((v) => v === "true" || v === "1"),
  logLevel: () => z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  logFormat: () => z.enum(["json", "pretty"]).optional(),
  address: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => /^[^:\s]+:\d{1,5}$/.test(v) || /^(dns|ipv4|ipv6|unix):/.test(v), {
        message: "must be host:port",
      }),
};

/** Settings every service shares. */
export const commonConfig = {
  LOG_LEVEL: env.logLevel(),
  LOG_FORMAT: env.logFormat(),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000),
};
