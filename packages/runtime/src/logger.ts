import pino, { type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** json in the cluster; pretty only for a person at a terminal. */
  format?: "json" | "pretty";
}

/** One pino logger per service. */
export function createLogger(service: string, opts: LoggerOptions = {}): Logger {
  const format = opts.format ?? (process.stdout.isTTY ? "pretty" : "json");
  return pino({
    name: service,
    level: opts.level ?? "info",
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // pino-pretty is a dev dependency: asked for only when a person reads the logs.
    ...(format === "pretty" ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}
