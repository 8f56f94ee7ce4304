// The observability wiring in the rendered overlays: dev brings Jaeger and Prometheus and
// points the services at them; prod brings no backend and reads the collector address from
// the operator's ConfigMap; skaffold forwards the two UIs.
import YAML from "yaml";
import { find, ofKind, pipeline, podSpec, render, skaffoldConfig, type K8sObject } from "./support/repo";

const SERVICES = ["gateway", "gacha", "item", "auth"] as const;
// gateway and auth serve /metrics on their HTTP port
const METRICS_PORTS = { gateway: 8080, gacha: 9464, item: 9465, auth: 8081 } as const;

const env = (objects: K8sObject[], service: string) => {
  const c = podSpec(find(objects, "Deployment", service)).containers[0];
  expect(c.name).toBe(service); // the patches add to containers[0]: it must be the service
  return c.env as Array<{ name: string; value?: string; valueFrom?: { configMapKeyRef?: Record<string, unknown> } }>;
};

/** The OTLP endpoint a service's pod gets: a literal value, or the key of a ConfigMap rendered with it. */
const otlpEndpoint = (objects: K8sObject[], service: string): string | undefined => {
  const v = env(objects, service).find((e) => e.name === "OTEL_EXPORTER_OTLP_ENDPOINT");
  const ref = v?.valueFrom?.configMapKeyRef as { name: string; key: string } | undefined;
  if (!ref) return v?.value;
  return ofKind(objects, "ConfigMap").find((c) => c.metadata.name === ref.name)?.data?.[ref.key];
};

describe("tracing in skaffold dev", () => {
  it("when the dev overlay is rendered, then every service exports OTLP/HTTP to Jaeger's Service port", () => {
    const objects = render("dev");
    const otlp = find(objects, "Service", "jaeger").spec.ports.find((p: { name: string }) => p.name === "otlp-http");
    expect(otlp.port).toBe(4318);
    for (const service of SERVICES) {
      expect(otlpEndpoint(objects, service)).toBe(`http://jaeger:${otlp.port}`);
      expect(env(objects, service)).toContainEqual({ name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" });
    }
  });

  it("when skaffold's profiles are listed, then none turns tracing on or off: the dev pipeline has it", () => {
    const names = (skaffoldConfig().profiles ?? []).map((p: { name: string }) => p.name);
    expect(names).not.toContain("tracing");
    expect(skaffoldConfig().manifests?.kustomize?.paths).toEqual(["k8s/overlays/dev"]);
  });
});

describe.each(["dev", "debug"] as const)("the %s overlay", (overlay) => {
  const objects = () => render(overlay);

  it("when rendered, then Jaeger and Prometheus run from pinned images", () => {
    for (const name of ["jaeger", "prometheus"]) {
      const image: string = podSpec(find(objects(), "Deployment", name)).containers[0].image;
      expect(image).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it("when rendered, then Jaeger takes OTLP/HTTP and every service exports to it", () => {
    const jaeger = find(objects(), "Service", "jaeger");
    expect(jaeger.spec.ports).toContainEqual(expect.objectContaining({ name: "otlp-http", port: 4318 }));
    for (const service of SERVICES) expect(otlpEndpoint(objects(), service)).toBe("http://jaeger:4318");
  });

  it("when Prometheus scrapes, then each target is a Service port that reaches the service's metrics port", () => {
    const config = ofKind(objects(), "ConfigMap").find((c) => c.metadata.name.startsWith("prometheus-config"))!;
    const scrape = YAML.parse(config.data["prometheus.yml"]) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    expect(scrape.scrape_configs.map((j) => j.job_name).sort()).toEqual([...SERVICES].sort());
    for (const job of scrape.scrape_configs) {
      const service = job.job_name as (typeof SERVICES)[number];
      expect(job.static_configs.flatMap((s) => s.targets)).toEqual([`${service}:${METRICS_PORTS[service]}`]);
      const svcPort = find(objects(), "Service", service).spec.ports.find(
        (p: { port: number }) => p.port === METRICS_PORTS[service],
      );
      expect(svcPort).toBeDefined();
      const container = podSpec(find(objects(), "Deployment", service)).containers[0];
      const target = container.ports.find((p: { name: string }) => p.name === svcPort.targetPort);
      expect(target?.containerPort).toBe(METRICS_PORTS[service]);
      if (service === "gacha" || service === "item")
        expect(container.env).toContainEqual({ name: "METRICS_PORT", value: String(METRICS_PORTS[service]) });
    }
  });
});

describe("the prod overlay", () => {
  const objects = () => render("prod");

  it("when rendered, then no trace backend or Prometheus is deployed", () => {
    const names = objects().map((o) => o.metadata.name);
    expect(names).not.toContain("jaeger");
    expect(names).not.toContain("prometheus");
    // the operator's ConfigMap (docs/kubernetes.md): rendering one would overwrite it on every apply
    expect(names).not.toContain("telemetry");
  });

  it("when rendered, then every service reads the collector address from the optional telemetry ConfigMap", () => {
    for (const service of SERVICES) {
      const vars = env(objects(), service);
      expect(vars).toContainEqual({
        name: "OTEL_EXPORTER_OTLP_ENDPOINT",
        valueFrom: { configMapKeyRef: { name: "telemetry", key: "otlp-endpoint", optional: true } },
      });
      expect(vars).toContainEqual({ name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "http/protobuf" });
    }
  });
});

describe("skaffold.yaml", () => {
  it.each([undefined, "debug"])(
    "when skaffold dev runs (profile %s), then Jaeger's UI and Prometheus are forwarded",
    (profile) => {
      const forwards = pipeline(skaffoldConfig(), profile).portForward ?? [];
      expect(forwards).toContainEqual({
        resourceType: "service",
        resourceName: "jaeger",
        port: 16686,
        localPort: 16686,
      });
      expect(forwards).toContainEqual({
        resourceType: "service",
        resourceName: "prometheus",
        port: 9090,
        localPort: 9090,
      });
    },
  );

  it("when a file of packages/telemetry/src is saved, then it is synced into each service's dev container", () => {
    for (const image of SERVICES) {
      const artifact = skaffoldConfig().build!.artifacts!.find((a) => a.image === image)!;
      expect(artifact.sync?.manual).toContainEqual({ src: "packages/telemetry/src/**/*.ts", dest: "/app" });
    }
  });
});
