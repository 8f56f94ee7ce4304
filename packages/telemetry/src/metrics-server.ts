import { createServer, type Server } from "node:http";
import { serveMetrics } from "./metrics";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET /metrics on its own port (METRICS_PORT) for the gRPC services: their gRPC port speaks
 * HTTP/2 only, and a separate port lets a NetworkPolicy open it to Prometheus alone.
 */
export function startMetricsServer(host: string, port: number): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) return serveMetrics(req, res);
    res.statusCode = path === "/metrics" ? 405 : 404;
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end(path === "/metrics" ? "method not allowed\n" : "not found: metrics are at /metrics\n");
  });
  // A scrape is short: a stuck client must not hold the socket (or shutdown) for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    // reusePort, as grpc-js does for the gRPC port: a replacement process on the same host can
    // bind while the old one drains (Linux; ignored where unsupported).
    server.listen({ port, host, reusePort: true }, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
