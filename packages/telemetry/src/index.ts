export { observeDbPool, type ObservablePool } from "./db-pool-metrics";
export { grpcServerMetrics, type GrpcServerCall } from "./grpc-metrics";
export { httpServerMetrics } from "./http-metrics";
export { meter, serveMetrics } from "./metrics";
export { startMetricsServer, type MetricsServer } from "./metrics-server";
export { logTelemetryStatus, shutdownTelemetry, startTelemetry, telemetryStatus, type TelemetryStatus } from "./start";
export { currentTraceparent, runLinked, untraced } from "./trace-context";
export { tracingSettings } from "./tracing";
