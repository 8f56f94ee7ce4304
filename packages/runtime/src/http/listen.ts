import type { Server } from "node:http";
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
 * (Node keeps it open): the gateway's SIGTERM path is drainHttpServer.
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
 * The SIGTERM path: the drain begins in the same tick as the listener closes,
 * so from then on readiness is 503 and every response, in-flight ones
 * included, closes its connection. The server then closes as soon as the last
 * of them is answered, not when keep-alive or timeoutMs runs out.
 */
export function drainHttpServer(server: Server, drain: Drain, timeoutMs: number): Promise<void> {
  drain.begin();
  return closeHttpServer(server, timeoutMs);
}
