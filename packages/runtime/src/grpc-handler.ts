import type { sendUnaryData, ServerUnaryCall } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { toGrpcStatus } from "./errors";

/**
 * Adapts an async function to a grpc-js unary handler: its result is sent,
 * anything it throws goes through the one error policy (toGrpcStatus).
 */
export function unary<Req, Res>(logger: Logger, fn: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>) {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
    fn(call.request, call).then(
      (res) => callback(null, res),
      (err: unknown) => callback(toGrpcStatus(err, logger)),
    );
  };
}
