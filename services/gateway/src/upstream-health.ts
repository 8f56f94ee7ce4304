import { makeGenericClientConstructor, status, type Client } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { callUnary, insecure } from "@gacha/runtime";

// grpc.health.v1.Health, as loaded by grpc-health-check (keepCase, enums as strings).
const HealthClient = makeGenericClientConstructor(healthService, "grpc.health.v1.Health");
type CheckFn = Parameters<typeof callUnary<{ service: string }, { status: string }>>[0];

/** Upstream name → its health-check service name and the client whose channel to probe. */
export type Upstreams = Record<string, { service: string; client: Client }>;
export type HealthStatus = string; // SERVING, NOT_SERVING, or the gRPC error, e.g. UNAVAILABLE
export interface UpstreamHealth {
  check(): Promise<Record<string, HealthStatus>>;
}

/**
 * Readiness of the upstreams through the very channels the API calls use
 * (channelOverride), so "ready" means this process can reach them.
 */
export function createUpstreamHealth(upstreams: Upstreams, deadlineMs = 1_000): UpstreamHealth {
  const probes = Object.entries(upstreams).map(([name, { service, client }]) => {
    const health = new HealthClient("upstream", insecure(), { channelOverride: client.getChannel() });
    const check = (health as unknown as { Check: CheckFn }).Check.bind(health);
    return async (): Promise<[string, HealthStatus]> => {
      try {
        const res = await callUnary(check, { service }, { deadlineMs });
        return [name, res.status];
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return [name, typeof code === "number" ? (status[code] ?? "UNKNOWN") : "UNKNOWN"];
      }
    };
  });
  return {
    check: async () => Object.fromEntries(await Promise.all(probes.map((probe) => probe()))),
  };
}
