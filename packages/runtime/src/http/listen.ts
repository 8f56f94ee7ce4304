import type { Server } from "node:http";
import { Server as NetServer } from "node:net";
import type { Express } from "express";
import type { Drain } from "./draining";

export function listen(app: Express, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

/**
 * Stops accepting connections, lets in-flight requests finish, closes the
 * keep-alive sockets idle right now; past timeoutMs the remaining connections
 * are cut. Alone, it lets a busy keep-alive connection take further requests
 * (Node keeps it open): the SIGTERM path of the HTTP services is drainHttpServer.
 */
export function closeHttpServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * How long the drain leaves a keep-alive connection idle at SIGTERM open before closing it. Every
 * connection that carries a request during the drain is closed by its response (`Connection:
 * close`), so a busy client has moved off well within this; what is left is idle for real.
 */
export const DRAIN_IDLE_GRACE_MS = 1_000;

/**
 * The SIGTERM path: the drain begins in the same tick as the listener closes,
 * so from then on readiness is 503 and every response, in-flight ones
 * included, closes its connection. A keep-alive connection idle at that
 * moment is closed only after DRAIN_IDLE_GRACE_MS, not at once: a client
 * between two requests may be sending on it at that very instant and would get
 * "other side closed" for a request the server never saw (the keep-alive race
 * that failed a draw in a rollout, test/cluster/rollouts.test.ts). Not its full
 * keep-alive timeout either: that would add 5 s to every nodemon restart in
 * `skaffold dev` while a browser or a port-forward holds a connection. The
 * server closes as soon as the last connection is gone; past timeoutMs the
 * remaining ones are cut.
 */
export function drainHttpServer(
  server: Server,
  drain: Drain,
  timeoutMs: number,
  idleGraceMs = DRAIN_IDLE_GRACE_MS,
): Promise<void> {
  drain.begin();
  return new Promise((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), timeoutMs);
    const idle = setTimeout(() => server.closeIdleConnections(), idleGraceMs);
    // net.Server's close, not http.Server's: the latter (Node >= 19) also closes
    // every keep-alive connection idle right now, which is the race above.
    NetServer.prototype.close.call(server, () => {
      clearTimeout(cut);
      clearTimeout(idle);
      resolve();
    });
  });
}
