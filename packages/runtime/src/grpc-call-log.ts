import { ServerInterceptingCall, status as grpcStatus, type ServerInterceptor } from "@grpc/grpc-js";
import type { Logger } from "pino";

/** One handled call, as seen by the server when it ends. */
export interface GrpcCallEnd {
  /** Full method, e.g. "gacha.v1.GachaService/Draw". */
  method: string;
  /** Status name: "OK", "INVALID_ARGUMENT", … ("CANCELLED" when the client went away first). */
  status: string;
  durationMs: number;
}

const statusName = (code: number) => grpcStatus[code] ?? String(code);

/**
 * A server interceptor that sees every call end (status sent, or cancelled by the client or
 * its deadline): logs it at debug with method, status and duration, and hands it to onEnd
 * (the rpc.server.call.duration histogram). It runs inside the call's context, so with
 * tracing on the line carries the call's trace_id and span_id.
 */
export function grpcCallObserver(logger: Logger, onEnd?: (call: GrpcCallEnd) => void): ServerInterceptor {
  return (methodDescriptor, call) => {
    const start = process.hrtime.bigint();
    let ended = false;
    const end = (code: number) => {
      if (ended) return;
      ended = true;
      const done: GrpcCallEnd = {
        method: methodDescriptor.path.replace(/^\//, ""),
        status: statusName(code),
        durationMs: Number(process.hrtime.bigint() - start) / 1e6,
      };
      logger.debug({ grpcMethod: done.method, grpcStatus: done.status, durationMs: done.durationMs }, "gRPC call");
      onEnd?.(done);
    };
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => end(grpcStatus.CANCELLED) }),
      sendStatus: (status, next) => {
        end(status.code);
        next(status);
      },
    });
  };
}
