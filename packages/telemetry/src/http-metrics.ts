import type { IncomingMessage, ServerResponse } from "node:http";
import { meter } from "./metrics";

/** What Express adds to a request that this middleware reads (the matched route pattern). */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

const BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * http.server.request.duration (semantic conventions), recorded for every request by the
 * server itself, tracing on or off. http.route is the route pattern, never the raw path, so
 * the number of series stays bounded; unmatched requests have none (as the conventions say).
 */
export function httpServerMetrics() {
  const histogram = meter().createHistogram("http.server.request.duration", {
    description: "Duration of HTTP server requests.",
    unit: "s",
    advice: { explicitBucketBoundaries: BUCKETS_S },
  });
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const start = process.hrtime.bigint();
    res.once("close", () => {
      const route = req.route?.path;
      histogram.record(Number(process.hrtime.bigint() - start) / 1e9, {
        "http.request.method": req.method ?? "_OTHER",
        "http.response.status_code": res.statusCode,
        "url.scheme": "http",
        ...(typeof route === "string" ? { "http.route": `${req.baseUrl ?? ""}${route}` } : {}),
      });
    });
    next();
  };
}
