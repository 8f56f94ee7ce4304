import { meter } from "./metrics";

export interface GrpcServerCall {
  /** Full method, e.g. "gacha.v1.GachaService/Draw". */
  method: string;
  /** Status name, e.g. "OK", "UNAVAILABLE". */
  status: string;
  durationMs: number;
}

const BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * rpc.server.call.duration (semantic conventions for RPC, gRPC): one histogram per method and
 * status. Returns the recorder the gRPC server calls when a call ends (runtime's onCallEnd).
 */
export function grpcServerMetrics(): (call: GrpcServerCall) => void {
  const histogram = meter().createHistogram("rpc.server.call.duration", {
    description: "Duration of gRPC calls handled by this server.",
    unit: "s",
    advice: { explicitBucketBoundaries: BUCKETS_S },
  });
  return (call) =>
    histogram.record(call.durationMs / 1000, {
      "rpc.system.name": "grpc",
      "rpc.method": call.method.replace(/^\//, ""),
      "rpc.response.status_code": call.status,
    });
}
