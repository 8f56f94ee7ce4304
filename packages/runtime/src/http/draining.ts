import type { RequestHandler } from "express";

/**
 * The gateway's "shutting down" state: begun once, on SIGTERM (main.ts), and
 * read by readiness and by every response. A server whose drain never begins
 * (tests, supertest) behaves as before.
 */
export interface Drain {
  readonly draining: boolean;
  begin(): void;
  /** Calls listener when the drain begins; returns a function that unsubscribes. */
  onBegin(listener: () => void): () => void;
}

export function createDrain(): Drain {
  let draining = false;
  const listeners = new Set<() => void>();
  return {
    get draining() {
      return draining;
    },
    begin() {
      if (draining) return;
      draining = true;
      for (const listener of listeners) listener();
      listeners.clear();
    },
    onBegin(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Once draining, every response carries `Connection: close`, also one whose
 * request was already in flight when the drain began: Node then ends the
 * socket after that response, so a keep-alive client reconnects (elsewhere)
 * instead of sending its next request here, and no connection is left idle to
 * hold the process up. A response whose headers were already out (a stream)
 * cannot say so; its connection is ended once it finishes.
 */
export function closeConnectionsWhenDraining(drain: Drain): RequestHandler {
  return (req, res, next) => {
    const close = () => {
      if (!res.headersSent) res.setHeader("Connection", "close");
      else if (!res.writableFinished) res.once("finish", () => req.socket.end());
    };
    if (drain.draining) close();
    else res.once("close", drain.onBegin(close));
    next();
  };
}
