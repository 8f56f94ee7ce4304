import pino, { type Logger } from "pino";

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /**
   * json: one JSON object per line (the cluster, log collectors).
   * pretty: pino-pretty, for a person (npm run dev and the dev overlay set it).
   * Unset: pretty at a terminal if pino-pretty is installed, else json.
   */
  format?: "json" | "pretty";
}

// pino-pretty is a dev dependency, so the prod image lacks it, and pino throws
// at start ("unable to determine transport target") when asked for a transport
// it cannot resolve. Resolve it first, and give pino the path found.
function resolvePinoPretty(): string | undefined {
  try {
    return require.resolve("pino-pretty");
  } catch {
    return undefined;
  }
}

/** One pino logger per service. Never throws for want of pino-pretty: it falls back to JSON. */
export function createLogger(service: string, opts: LoggerOptions = {}): Logger {
  const wantsPretty = opts.format === "pretty" || (opts.format === undefined && process.stdout.isTTY === true);
  const prettyPath = wantsPretty ? resolvePinoPretty() : undefined;
  const logger = pino({
    name: service,
    level: opts.level ?? "info",
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(prettyPath ? { transport: { target: prettyPath, options: { colorize: true } } } : {}),
  });
  // Asked for by name but not installed: say so once; a TTY alone asked for nothing.
  if (opts.format === "pretty" && !prettyPath) {
    logger.warn("LOG_FORMAT=pretty, but pino-pretty is not installed (a dev dependency): logging JSON");
  }
  return logger;
}
