import type { Logger } from "pino";

export type ShutdownStep = { name: string; run: () => Promise<unknown> };

/**
 * Runs the steps in order on SIGTERM or SIGINT, then exits 0. A step that
 * fails is logged and the rest still run; past timeoutMs the process exits 1
 * rather than hang. A second signal exits at once.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[], timeoutMs: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => {
      logger.error("shutdown timed out");
      process.exit(1);
    }, timeoutMs + 1_000);
    timer.unref();
    void (async () => {
      for (const step of steps) {
        try {
          await step.run();
          logger.debug({ step: step.name }, "shutdown step done");
        } catch (err) {
          logger.error({ err, step: step.name }, "shutdown step failed");
        }
      }
      logger.info("stopped");
      process.exit(0);
    })();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}

/** Last resort for errors nothing caught: log them and exit, so the pod restarts. */
export function exitOnFatal(logger: Logger): void {
  const die = (kind: string) => (err: unknown) => {
    logger.fatal({ err }, kind);
    process.exit(1);
  };
  process.on("uncaughtException", die("uncaught exception"));
  process.on("unhandledRejection", die("unhandled rejection"));
}
