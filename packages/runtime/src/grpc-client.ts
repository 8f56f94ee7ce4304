import { credentials, Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from "@grpc/grpc-js";

/**
 * Channel options shared by every client: reconnect fast after a restart, and
 * spread calls over every address the target resolves to. With a
 * `dns:///<headless Service>` target (k8s/base/*\/service-headless.yaml) that is
 * every Ready replica; with `host:port` of one process it changes nothing.
 * grpc-js re-resolves when a connection drops, which the servers' max connection
 * age (grpc-server.ts) makes happen as replicas come and go; the minimum time
 * between resolutions keeps that from becoming a DNS storm.
 */
export const clientChannelOptions = {
  "grpc.keepalive_time_ms": 30_000,
  "grpc.initial_reconnect_backoff_ms": 200,
  "grpc.max_reconnect_backoff_ms": 2_000,
  // our service config, not one from DNS TXT records
  "grpc.service_config_disable_resolution": 1,
  "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  "grpc.dns_min_time_between_resolutions_ms": 5_000,
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
