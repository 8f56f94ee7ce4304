// The environment the manifests set is the environment the services read:
// names come from each service's zod config schema (services/<svc>/src/config.ts,
// spreading packages/runtime/src/config.ts commonConfig), values are consistent
// with the ports and Service names of the render.
import { containers, find, Overlay, podSpec, readRepoFile, render, SERVICES } from "./support/repo";

/** Upper-case keys of the object literal starting at `marker`. */
function keysOf(source: string, marker: RegExp): string[] {
  const start = source.search(marker);
  if (start < 0) return [];
  let depth = 0;
  let end = start;
  for (let i = source.indexOf("{", start); i < source.length; i++) {
    if (source[i] === "{" || source[i] === "(") depth++;
    if (source[i] === "}" || source[i] === ")") depth--;
    if (depth === 0) {
      end = i;
      break;
    }
  }
  const body = source.slice(start, end);
  // only top-level keys: `  NAME:` at the start of a line
  return [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)].map((m) => m[1]!);
}

// The OpenTelemetry SDK's standard variables, read by @gacha/telemetry (and the NodeSDK it starts)
// rather than by the zod schemas; only these may be set beside the schema's keys.
const STANDARD_OTEL = [
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
  "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_SERVICE_NAME",
  "OTEL_RESOURCE_ATTRIBUTES",
  "OTEL_SDK_DISABLED",
  "OTEL_TRACES_EXPORTER",
  "OTEL_TRACES_SAMPLER",
  "OTEL_TRACES_SAMPLER_ARG",
  "OTEL_PROPAGATORS",
];

const COMMON = () => keysOf(readRepoFile("packages/runtime/src/config.ts"), /export const commonConfig\s*=\s*\{/);

function configKeys(svc: string): string[] {
  const source = readRepoFile(`services/${svc}/src/config.ts`);
  const own = keysOf(source, /z\.object\(\s*\{/);
  return [...new Set([...own, ...(/\.\.\.commonConfig/.test(source) ? COMMON() : [])])];
}

describe("service configuration", () => {
  it("when the config files are parsed, then the keys match what the services are documented to read", () => {
    expect(COMMON()).toEqual(expect.arrayContaining(["LOG_LEVEL", "LOG_FORMAT", "SHUTDOWN_TIMEOUT_MS"]));
    expect(configKeys("gacha")).toEqual(
      expect.arrayContaining([
        "GACHA_DATABASE_URL",
        "GACHA_DB_POOL_SIZE",
        "GRPC_HOST",
        "GACHA_GRPC_PORT",
        "ITEM_SERVICE_ADDR",
        "GRPC_REFLECTION",
      ]),
    );
    expect(configKeys("item")).toEqual(
      expect.arrayContaining(["ITEM_DATABASE_URL", "ITEM_DB_POOL_SIZE", "GRPC_HOST", "ITEM_GRPC_PORT"]),
    );
    expect(configKeys("gateway")).toEqual(
      expect.arrayContaining(["PORT", "HOST", "GACHA_SERVICE_ADDR", "ITEM_SERVICE_ADDR", "GRPC_DEADLINE_MS"]),
    );
  });

  describe.each<Overlay>(["dev", "prod", "debug"])("the %s overlay", (overlay) => {
    it.each([...SERVICES])(
      "when the %s container starts, then every variable it is given is one its config reads",
      (svc) => {
        const c = podSpec(find(render(overlay), "Deployment", svc)).containers.find(
          (x: { name: string }) => x.name === svc,
        );
        const names: string[] = (c.env ?? []).map((e: { name: string }) => e.name);
        expect(names.filter((n) => !configKeys(svc).includes(n) && !STANDARD_OTEL.includes(n))).toEqual([]);
        expect(c.envFrom).toBeUndefined();
      },
    );

    it("when a migration container starts, then its only variable is the database URL it names with --url-env", () => {
      for (const r of containers(render(overlay)).filter((x) => x.container.args?.includes("--url-env"))) {
        const urlEnv = r.container.args![r.container.args!.indexOf("--url-env") + 1];
        expect((r.container.env ?? []).map((e) => e.name)).toEqual([urlEnv]);
      }
    });

    it("when ports and peer addresses are configured, then they match the container ports and the Services", () => {
      const objects = render(overlay);
      const env = (svc: string) =>
        Object.fromEntries(
          (podSpec(find(objects, "Deployment", svc)).containers[0].env as { name: string; value?: string }[]).map(
            (e) => [e.name, e.value],
          ),
        );
      const port = (svc: string, name: string) =>
        podSpec(find(objects, "Deployment", svc)).containers[0].ports.find((p: { name: string }) => p.name === name)
          .containerPort;
      expect(Number(env("gacha").GACHA_GRPC_PORT)).toBe(port("gacha", "grpc"));
      expect(Number(env("item").ITEM_GRPC_PORT)).toBe(port("item", "grpc"));
      expect(Number(env("gateway").PORT)).toBe(port("gateway", "http"));
      const addresses = [
        env("gacha").ITEM_SERVICE_ADDR,
        env("gateway").GACHA_SERVICE_ADDR,
        env("gateway").ITEM_SERVICE_ADDR,
      ];
      for (const addr of addresses) {
        const [host, p] = String(addr)
          .replace(/^dns:\/\/\//, "")
          .split(":");
        const svc = find(objects, "Service", host!);
        expect(svc.spec.ports.map((x: { port: number }) => x.port)).toContain(Number(p));
      }
    });

    it(
      overlay === "prod"
        ? "when a service calls gacha or item, then it resolves every replica (dns:/// on a headless Service selecting the Deployment's pods), and those pods outlast the cluster DNS cache when they stop"
        : "when a service calls gacha or item, then it dials the ClusterIP Service (one replica: a new pod takes over without waiting for cached DNS)",
      () => {
        const objects = render(overlay);
        const env = (svc: string, name: string) =>
          (podSpec(find(objects, "Deployment", svc)).containers[0].env as { name: string; value?: string }[]).find(
            (e) => e.name === name,
          )?.value;
        const peers = [
          { from: "gateway", name: "GACHA_SERVICE_ADDR", to: "gacha" },
          { from: "gateway", name: "ITEM_SERVICE_ADDR", to: "item" },
          { from: "gacha", name: "ITEM_SERVICE_ADDR", to: "item" },
        ];
        for (const peer of peers) {
          const addr = String(env(peer.from, peer.name));
          const m = /^(dns:\/\/\/)?([a-z0-9-]+):(\d+)$/.exec(addr);
          const headless = overlay === "prod";
          expect({ ...peer, form: m && Boolean(m[1]) === headless ? "ok" : addr }).toEqual({ ...peer, form: "ok" });
          const svc = find(objects, "Service", m![2]!);
          expect(svc.spec.clusterIP === "None").toBe(headless);
          expect(svc.spec.selector).toEqual(find(objects, "Deployment", peer.to).spec.selector.matchLabels);
          expect(svc.spec.ports.map((x: { port: number }) => x.port)).toContain(Number(m![3]));
          if (headless) {
            // CoreDNS caches answers for up to 30 s (kubeadm's `cache 30`, `ttl 30`): a caller may be handed
            // a stopping pod's address that long after it left the endpoints, so the pod keeps serving past it
            const callee = podSpec(find(objects, "Deployment", peer.to)).containers[0];
            expect(callee.lifecycle.preStop.sleep.seconds).toBeGreaterThan(30);
          }
        }
      },
    );
  });
});
