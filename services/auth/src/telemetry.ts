// main.ts imports this module first: the OpenTelemetry SDK has to patch http, express and pino
// (and Prisma) before anything requires them. Tracing is on only with OTEL_EXPORTER_OTLP_ENDPOINT.
import { startTelemetry } from "@gacha/telemetry";

export const telemetry = startTelemetry("auth");
