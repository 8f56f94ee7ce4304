import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
} from "@opentelemetry/api";
import { suppressTracing } from "@opentelemetry/core";

/**
 * The W3C traceparent of the span active right now, to store beside work done later (the
 * outbox row); undefined when no span is recording, e.g. with tracing off, where the whole
 * call costs one property lookup on the no-op API.
 */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span || !span.spanContext().traceFlags) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function linkFrom(traceparent: string | null | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}

/**
 * Runs fn as a new trace (a root span, kind CONSUMER) linked to the span that wrote the work
 * down: a late delivery is its own trace, and the link leads back to the request it came
 * from (OpenTelemetry's pattern for deferred and batched work). Spans started inside fn (the
 * gRPC call, the database) are its children. With tracing off the API is a no-op.
 */
export function runLinked<T>(
  name: string,
  traceparent: string | null | undefined,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer("@gacha/telemetry");
  return tracer.startActiveSpan(
    name,
    { root: true, kind: SpanKind.CONSUMER, links: linkFrom(traceparent), attributes },
    ROOT_CONTEXT,
    async (span) => {
      try {
        return await fn();
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * Runs fn with tracing suppressed: background polling (the relay's scan of the outbox, a
 * backlog query at scrape time) would otherwise start a trace of database spans every tick.
 */
export function untraced<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}
