import path from "node:path";
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "pino";
import { grpcCallObserver, type GrpcCallEnd } from "./grpc-call-log";

export interface GrpcServiceBinding {
  /** Fully qualified name, e.g. "gacha.v1.GachaService", as used by health checks. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  host: string;
  port: number;
  services: GrpcServiceBinding[];
  logger: Logger;
  /** Server reflection for grpcurl; meant for dev. Needs the .proto files at runtime. */
  reflection?: { protoRoot: string; files: string[] };
  /** Called as each call ends (metrics); every call is also logged at debug. */
  onCallEnd?: (call: GrpcCallEnd) => void;
}

export interface RunningGrpcServer {
  server: Server;
  port: number;
  health: HealthImplementation;
  /** Health NOT_SERVING, then a graceful shutdown bounded by timeoutMs, then forced. */
  shutdown(timeoutMs: number): Promise<void>;
}

/**
 * How long a client connection lives before the server asks the client to reconnect
 * (GOAWAY; calls in flight get the grace period to finish, longer than any deadline
 * here). Reconnecting makes round_robin clients re-resolve DNS, so replicas the HPA adds
 * get traffic within about this long (docs/kubernetes.md#grpc-load-balancing).
 */
const MAX_CONNECTION_AGE_MS = 20_000;
const MAX_CONNECTION_AGE_GRACE_MS = 10_000;

/** Builds, binds and starts a gRPC server with the standard health service. */
export async function startGrpcServer(opts: GrpcServerOptions): Promise<RunningGrpcServer> {
  const server = new Server({
    "grpc.max_receive_message_length": 1024 * 1024,
    "grpc.max_connection_age_ms": MAX_CONNECTION_AGE_MS,
    "grpc.max_connection_age_grace_ms": MAX_CONNECTION_AGE_GRACE_MS,
    interceptors: [grpcCallObserver(opts.logger, opts.onCallEnd)],
  });
  const statuses = Object.fromEntries(
    ["", ...opts.services.map((s) => s.name)].map((name) => [name, "SERVING" as const]),
  );
  const health = new HealthImplementation(statuses);
  health.addToServer(server);
  for (const s of opts.services) server.addService(s.definition, s.implementation);
  if (opts.reflection) {
    const pkg = protoLoader.loadSync(
      opts.reflection.files.map((f) => path.join(opts.reflection!.protoRoot, f)),
      { includeDirs: [opts.reflection.protoRoot] },
    );
    new ReflectionService(pkg).addToServer(server);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  opts.logger.info({ port, services: opts.services.map((s) => s.name) }, "gRPC server listening");

  const shutdown = (timeoutMs: number) =>
    new Promise<void>((resolve) => {
      for (const name of Object.keys(statuses)) health.setStatus(name, "NOT_SERVING");
      const timer = setTimeout(() => {
        opts.logger.warn("graceful gRPC shutdown timed out; forcing");
        server.forceShutdown();
        resolve();
      }, timeoutMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { server, port, health, shutdown };
}
