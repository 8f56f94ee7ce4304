// The client options spread calls over every address a target resolves to (round_robin),
// which is what makes a headless Service's replicas share the load in the cluster
// (k8s/base/*/service-headless.yaml; the cluster tier's prod test measures it on real pods).
// Here the target lists two local servers, as DNS would list two pods.
import { makeGenericClientConstructor, type ClientUnaryCall, type Metadata, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import {
  callUnary,
  clientChannelOptions,
  createLogger,
  insecure,
  startGrpcServer,
  type RunningGrpcServer,
} from "../src";

const HealthClient = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");
type Check = (
  req: { service: string },
  md: Metadata,
  opts: object,
  cb: (err: ServiceError | null, res: { status: string }) => void,
) => ClientUnaryCall;

describe("gRPC client load balancing", () => {
  const servers: RunningGrpcServer[] = [];
  const calls = [0, 0];

  beforeAll(async () => {
    for (const i of [0, 1]) {
      servers.push(
        await startGrpcServer({
          host: "127.0.0.1",
          port: 0,
          services: [],
          logger: createLogger(`server-${i}`, { level: "silent", format: "json" }),
          onCallEnd: () => calls[i]!++,
        }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.shutdown(1_000)));
  });

  it("when a target resolves to two servers, then the shared client options send calls to both in turn", async () => {
    const target = `ipv4:${servers.map((s) => `127.0.0.1:${s.port}`).join(",")}`;
    const client = new HealthClient(target, insecure(), clientChannelOptions);
    try {
      const check = (client as unknown as { Check: Check }).Check.bind(client);
      for (let i = 0; i < 20; i++) await callUnary(check, { service: "" }, { deadlineMs: 2_000 });
    } finally {
      client.close();
    }
    // pick_first, grpc-js's default, would send all 20 to the first address; round_robin
    // alternates once both connections are ready (the first call or two may find one ready)
    expect(calls[0]! + calls[1]!).toBe(20);
    expect(Math.min(...calls)).toBeGreaterThanOrEqual(7);
  });
});
