import { credentials, Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from "@grpc/grpc-js";

/** Channel options shared by every client: reconnect fast after a restart. */
export const clientChannelOptions = {
  "grpc.keepalive_time_ms": 30_000,
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2_000,
  "grpc.service_config_disable_resolution": 1,
};

export const insecure = () => credentials.createInsecure();

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface CallSettings {
  /** Every call has a deadline. */
  deadlineMs: number;
  /** The server call being handled, so cancellation and deadline propagate. */
  parent?: CallOptions["parent"];
  metadata?: Metadata;
}

/** Calls a unary method as a promise, always with a deadline. */
export function callUnary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, settings: CallSettings): Promise<Res> {
  const options: Partial<CallOptions> = { deadline: Date.now() + settings.deadlineMs };
  if (settings.parent) options.parent = settings.parent;
  return new Promise((resolve, reject) => {
    method(request, settings.metadata ?? new Metadata(), options, (err, res) => (err ? reject(err) : resolve(res)));
  });
}
