// Security and operability policy over the rendered overlays: every container
// (init containers and Jobs included) is non-root, hardened and bounded;
// long-running containers have probes; labels, selectors, ports and the
// shutdown budget are consistent.
import {
  containers,
  DB_SERVICES,
  ContainerRef,
  find,
  K8sObject,
  ofKind,
  Overlay,
  podSpec,
  render,
  skaffoldConfig,
} from "./support/repo";

const OVERLAYS: Overlay[] = ["dev", "prod"];
const LONG_RUNNING = ["Deployment", "StatefulSet", "DaemonSet"];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function effective(ref: ContainerRef, field: string): any {
  const c = ref.container.securityContext ?? {};
  const p = podSpec(ref.workload)?.securityContext ?? {};
  return c[field] !== undefined ? c[field] : p[field];
}

/** Containers whose files skaffold syncs in dev: their image is a synced artifact. */
function syncedImages(): Set<string> {
  return new Set((skaffoldConfig().build?.artifacts ?? []).filter((a) => a.sync?.manual?.length).map((a) => a.image));
}

// What every overlay renders at least: the gacha, item, gateway and web Deployments, the
// two migration Jobs and the two wait-for-schema init containers. A policy loop over
// fewer than that checked nothing it claims to.
const MIN_CONTAINERS = 8;
const MIN_POD_SPECS = 6;
const MIN_LONG_RUNNING = 4;

describe.each(OVERLAYS)("the %s overlay", (overlay) => {
  const objects = () => render(overlay);
  const all = () => containers(objects());

  it("when any container runs (init containers and Jobs included), then it runs as a non-root uid", () => {
    expect(all().length).toBeGreaterThanOrEqual(MIN_CONTAINERS);
    const bad = all()
      .filter((r) => effective(r, "runAsNonRoot") !== true || !(Number(effective(r, "runAsUser")) > 0))
      .map((r) => r.where);
    expect(bad).toEqual([]);
  });

  it("when any container runs, then privilege escalation is off, all capabilities are dropped and seccomp is RuntimeDefault", () => {
    const bad: string[] = [];
    expect(all().length).toBeGreaterThanOrEqual(MIN_CONTAINERS);
    for (const r of all()) {
      const sc = r.container.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) bad.push(`${r.where}: allowPrivilegeEscalation`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) bad.push(`${r.where}: capabilities.drop ALL`);
      if (sc.privileged === true) bad.push(`${r.where}: privileged`);
      if (effective(r, "seccompProfile")?.type !== "RuntimeDefault") bad.push(`${r.where}: seccompProfile`);
    }
    expect(bad).toEqual([]);
  });

  it("when any container runs, then its root filesystem is read-only, except the dev containers skaffold syncs into", () => {
    const synced = syncedImages();
    expect([...synced].sort()).toEqual(["auth", "gacha", "gateway", "item", "web"]); // exempt in dev only
    expect(all().length).toBeGreaterThanOrEqual(MIN_CONTAINERS);
    const bad = all()
      .filter((r) => r.container.securityContext?.readOnlyRootFilesystem !== true)
      .filter(
        (r) =>
          !(overlay === "dev" && !r.init && r.workload.kind === "Deployment" && synced.has(r.container.image ?? "")),
      )
      .map((r) => r.where);
    expect(bad).toEqual([]);
  });

  it("when any container runs, then it has cpu and memory requests and limits", () => {
    const bad: string[] = [];
    expect(all().length).toBeGreaterThanOrEqual(MIN_CONTAINERS);
    for (const r of all()) {
      for (const kind of ["requests", "limits"])
        for (const res of ["cpu", "memory"])
          if (r.container.resources?.[kind]?.[res] === undefined) bad.push(`${r.where}: ${kind}.${res}`);
    }
    expect(bad).toEqual([]);
  });

  // dev drops liveness from the synced app containers on purpose (k8s/test/dev-probes.test.ts)
  it("when a container is long-running (not a Job, not an init container), then it has a readiness probe, and in prod a liveness probe", () => {
    const longRunning = all().filter((r) => LONG_RUNNING.includes(r.workload.kind) && !r.init);
    expect(longRunning.length).toBeGreaterThanOrEqual(MIN_LONG_RUNNING);
    const bad = longRunning
      .filter((r) => !r.container.readinessProbe || (overlay === "prod" && !r.container.livenessProbe))
      .map((r) => r.where);
    expect(bad).toEqual([]);
  });

  it("when a pod runs, then it mounts no service account token and gets no service-link environment", () => {
    const bad: string[] = [];
    expect(objects().filter((o) => podSpec(o)).length).toBeGreaterThanOrEqual(MIN_POD_SPECS);
    for (const o of objects()) {
      const spec = podSpec(o);
      if (!spec) continue;
      if (spec.automountServiceAccountToken !== false)
        bad.push(`${o.kind}/${o.metadata.name}: automountServiceAccountToken`);
      if (spec.enableServiceLinks !== false) bad.push(`${o.kind}/${o.metadata.name}: enableServiceLinks`);
      const sa = objects().find((x) => x.kind === "ServiceAccount" && x.metadata.name === spec.serviceAccountName);
      if (!sa) bad.push(`${o.kind}/${o.metadata.name}: ServiceAccount ${spec.serviceAccountName} not rendered`);
    }
    expect(bad).toEqual([]);
  });

  it("when an object is rendered, then it carries the recommended app.kubernetes.io name and part-of labels (workloads also component)", () => {
    const bad: string[] = [];
    for (const o of objects()) {
      if (o.kind === "NetworkPolicy") continue; // policies are about pods, not part of an app
      const labels = o.metadata.labels ?? {};
      if (!labels["app.kubernetes.io/part-of"]) bad.push(`${o.kind}/${o.metadata.name}: part-of`);
      if (
        !labels["app.kubernetes.io/name"] &&
        !["Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(o.kind)
      )
        bad.push(`${o.kind}/${o.metadata.name}: name`);
      const spec = podSpec(o);
      if (spec) {
        const podLabels = o.spec.template.metadata?.labels ?? {};
        for (const l of ["app.kubernetes.io/name", "app.kubernetes.io/component", "app.kubernetes.io/part-of"])
          if (!podLabels[l]) bad.push(`${o.kind}/${o.metadata.name}: pod label ${l}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("when a Deployment or StatefulSet selects its pods, then the selector is just app.kubernetes.io/name and matches the template", () => {
    const bad: string[] = [];
    expect(ofKind(objects(), "Deployment", "StatefulSet").length).toBeGreaterThanOrEqual(MIN_LONG_RUNNING);
    for (const o of ofKind(objects(), "Deployment", "StatefulSet")) {
      const sel = o.spec.selector?.matchLabels ?? {};
      if (Object.keys(sel).join() !== "app.kubernetes.io/name")
        bad.push(`${o.metadata.name}: selector ${JSON.stringify(sel)}`);
      for (const [k, v] of Object.entries(sel))
        if (o.spec.template.metadata.labels?.[k] !== v) bad.push(`${o.metadata.name}: template lacks ${k}`);
    }
    expect(bad).toEqual([]);
  });

  it("when a Service selects pods, then exactly one long-running workload matches and its targetPort names exist", () => {
    const bad: string[] = [];
    expect(ofKind(objects(), "Service").length).toBeGreaterThanOrEqual(MIN_LONG_RUNNING);
    for (const svc of ofKind(objects(), "Service")) {
      const selector: Record<string, string> = svc.spec.selector ?? {};
      const matches = objects().filter((o) => {
        if (!podSpec(o)) return false;
        const labels = o.spec.template.metadata?.labels ?? {};
        return Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      if (matches.length !== 1 || !LONG_RUNNING.includes(matches[0]!.kind)) {
        bad.push(
          `Service/${svc.metadata.name} selects ${matches.map((m) => `${m.kind}/${m.metadata.name}`).join(", ") || "nothing"}`,
        );
        continue;
      }
      const ports = (podSpec(matches[0]!).containers as ContainerRef["container"][]).flatMap((c) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        const target = p.targetPort ?? p.port;
        const ok =
          typeof target === "number"
            ? ports.some((cp) => cp.containerPort === target)
            : ports.some((cp) => cp.name === target);
        if (!ok) bad.push(`Service/${svc.metadata.name} port ${p.name}: targetPort ${target} not on the pods`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("when a Deployment has native grpc probes, then they point at the container's gRPC port", () => {
    const bad: string[] = [];
    let grpcProbes = 0;
    for (const r of all().filter((x) => x.workload.kind === "Deployment")) {
      const grpcPort = (r.container.ports ?? []).find((p) => p.name === "grpc")?.containerPort;
      for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const g = r.container[probe]?.grpc;
        if (!g) continue;
        grpcProbes++;
        if (g.port !== grpcPort) bad.push(`${r.where} ${probe}: grpc port ${g.port}, container gRPC port ${grpcPort}`);
      }
    }
    expect(bad).toEqual([]);
    expect(grpcProbes).toBeGreaterThanOrEqual(4);
  });

  it("when gacha and item are probed, then readiness (and in prod liveness) use native grpc probes", () => {
    for (const name of ["gacha", "item"]) {
      const c = podSpec(find(objects(), "Deployment", name)).containers[0];
      expect(c.readinessProbe.grpc).toBeDefined();
      // dev drops liveness on purpose (k8s/test/dev-probes.test.ts)
      if (overlay === "prod") expect(c.livenessProbe.grpc).toBeDefined();
      else expect(c.livenessProbe).toBeUndefined();
    }
  });

  it("when the gateway is probed, then liveness (prod) is GET /healthz and readiness GET /readyz on its http port", () => {
    const c = podSpec(find(objects(), "Deployment", "gateway")).containers[0];
    if (overlay === "prod") expect(c.livenessProbe.httpGet).toMatchObject({ path: "/healthz", port: "http" });
    else expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe.httpGet).toMatchObject({ path: "/readyz", port: "http" });
    expect(c.ports).toContainEqual({ name: "http", containerPort: 8080 });
  });

  it("when a service pod is terminated, then the grace period covers the preStop sleep plus SHUTDOWN_TIMEOUT_MS", () => {
    const bad: string[] = [];
    for (const name of ["gacha", "item", "gateway"]) {
      const d = find(objects(), "Deployment", name);
      const spec = podSpec(d);
      const c = spec.containers.find((x: { name: string }) => x.name === name);
      const sleep = c.lifecycle?.preStop?.sleep?.seconds;
      const timeoutMs = Number(c.env.find((e: { name: string }) => e.name === "SHUTDOWN_TIMEOUT_MS")?.value ?? 10000);
      const grace = spec.terminationGracePeriodSeconds ?? 30;
      if (typeof sleep !== "number" || sleep < 1)
        bad.push(`${name}: no native preStop sleep (distroless has no sleep binary)`);
      if (c.lifecycle?.preStop?.exec) bad.push(`${name}: preStop exec cannot run in a distroless image`);
      if (grace < (sleep ?? 0) + timeoutMs / 1000 + 2)
        bad.push(`${name}: grace ${grace}s < ${sleep}s + ${timeoutMs / 1000}s + 2s`);
      if (grace > (sleep ?? 0) + timeoutMs / 1000 + 15)
        bad.push(`${name}: grace ${grace}s far above the shutdown path`);
    }
    expect(bad).toEqual([]);
  });

  it("when the HTTP services (gateway, auth) stop, then dev and debug close idle keep-alive connections at once (nodemon restarts on every save) and prod keeps the drain's 1 s default", () => {
    const graces = ["gateway", "auth"].map((name) => {
      const c = podSpec(find(objects(), "Deployment", name)).containers.find((x: { name: string }) => x.name === name);
      return c.env.find((e: { name: string }) => e.name === "SHUTDOWN_IDLE_GRACE_MS")?.value;
    });
    expect(graces).toEqual(overlay === "prod" ? [undefined, undefined] : ["0", "0"]);
  });

  it("when the services reach a database, then its URL comes from a Secret key, never a literal value", () => {
    const bad = all()
      .flatMap((r) => (r.container.env ?? []).map((e) => ({ r, e })))
      .filter(({ e }) => /DATABASE_URL|PASSWORD/.test(e.name) && (e.value !== undefined || !e.valueFrom?.secretKeyRef))
      .map(({ r, e }) => `${r.where}: ${e.name}`);
    expect(bad).toEqual([]);
  });

  it("when a service has a database, then one migration Job runs its migrations and the Deployment waits for the schema first", () => {
    for (const db of ["gacha", "item"]) {
      const job = find(objects(), "Job", `${db}-migrate`);
      expect(job.spec.parallelism ?? 1).toBe(1);
      expect(job.spec.completions ?? 1).toBe(1);
      const migrate = podSpec(job).containers[0];
      expect(migrate.image).toBe(db);
      expect(migrate.args.slice(0, 5)).toEqual([
        "deploy",
        "--migrations",
        `prisma/${db}/migrations`,
        "--url-env",
        `${db.toUpperCase()}_DATABASE_URL`,
      ]);
      expect(migrate.args).toContain("--wait-for-database");
      const init = podSpec(find(objects(), "Deployment", db)).initContainers ?? [];
      const wait = init.find((c: { name: string }) => c.name === "wait-for-schema");
      expect(wait).toBeDefined();
      expect(wait.image).toBe(db);
      expect(wait.command).toEqual(migrate.command);
      expect(wait.args.slice(0, 5)).toEqual([
        "status",
        "--migrations",
        `prisma/${db}/migrations`,
        "--url-env",
        `${db.toUpperCase()}_DATABASE_URL`,
      ]);
      expect(wait.args).toContain("--wait");
      // both read the same Secret as the service itself
      const ref = (c: { env: { name: string; valueFrom?: { secretKeyRef?: unknown } }[] }) =>
        c.env.find((e) => e.name === `${db.toUpperCase()}_DATABASE_URL`)?.valueFrom?.secretKeyRef;
      const app = podSpec(find(objects(), "Deployment", db)).containers[0];
      expect(ref(migrate)).toEqual(ref(app));
      expect(ref(wait)).toEqual(ref(app));
    }
  });

  it("when a migration command runs, then it uses the image's entry for this overlay (compiled JS in prod, node + tsx loader in dev)", () => {
    const migrations = all().filter((x) => x.container.args?.[1] === "--migrations");
    // each database's Job and its Deployment's wait-for-schema init container
    expect(migrations.map((r) => r.where).length).toBe(2 * DB_SERVICES.length);
    for (const r of migrations) {
      expect(r.container.workingDir).toBe("/app");
      if (overlay === "prod") expect(r.container.command).toEqual(["/nodejs/bin/node", "packages/migrate/dist/cli.js"]);
      else
        expect(r.container.command).toEqual([
          "node",
          "--conditions=development",
          "--require=tsx/cjs",
          "packages/migrate/src/cli.ts",
        ]);
    }
  });
});

describe("objects only one overlay has", () => {
  const isMysql = (o: K8sObject) =>
    /mysql/i.test(o.metadata.name) ||
    o.metadata.labels?.["app.kubernetes.io/name"] === "mysql" ||
    containers([o]).some((r) => /(^|\/)mysql(:|$)/.test(r.container.image ?? ""));

  it("when dev is rendered, then it has the MySQL StatefulSet with a PVC template, its headless Service, init script and credentials", () => {
    const dev = render("dev");
    const sts = find(dev, "StatefulSet", "mysql");
    expect(sts.spec.serviceName).toBe("mysql");
    expect(sts.spec.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).toBeDefined();
    expect(podSpec(sts).containers[0].image).toBe("mysql:8.4");
    expect(find(dev, "Service", "mysql").spec.clusterIP).toBe("None");
    const mounts = podSpec(sts).containers[0].volumeMounts;
    const initMount = mounts.find((m: { mountPath: string }) => m.mountPath === "/docker-entrypoint-initdb.d");
    const volume = podSpec(sts).volumes.find((v: { name: string }) => v.name === initMount.name);
    const configMap = find(dev, "ConfigMap", volume.configMap.name);
    const script = Object.values(configMap.data as Record<string, string>).join("\n");
    for (const db of ["gacha", "item"]) {
      expect(script).toContain(`CREATE DATABASE IF NOT EXISTS \\\`${db}\\\``);
      expect(script).toContain(`GRANT ALL PRIVILEGES ON \\\`${db}\\\`.* TO '${db}'@'%'`);
    }
    expect(script).not.toMatch(/ON \*\.\*/);
    for (const e of podSpec(sts).containers[0].env)
      expect(e.valueFrom?.secretKeyRef?.name).toMatch(/^mysql-credentials/);
  });

  it("when prod is rendered, then it has no MySQL object, no Secret and no PVC at all", () => {
    const prod = render("prod");
    expect(prod.filter(isMysql).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(ofKind(prod, "StatefulSet", "Secret", "PersistentVolumeClaim").map((o) => o.metadata.name)).toEqual([]);
  });

  it("when prod is rendered, then the services read gacha-database / item-database (key url), Secrets the operator creates", () => {
    const prod = render("prod");
    for (const db of ["gacha", "item"]) {
      const env = podSpec(find(prod, "Deployment", db)).containers[0].env;
      expect(
        env.find((e: { name: string }) => e.name === `${db.toUpperCase()}_DATABASE_URL`).valueFrom.secretKeyRef,
      ).toEqual({
        name: `${db}-database`,
        key: "url",
      });
    }
  });

  it("when dev is rendered, then each database URL reaches the in-cluster MySQL as its own user with the password MySQL was given", () => {
    const dev = render("dev");
    const secretValue = (name: string, key: string) => {
      const s = dev.find((o) => o.kind === "Secret" && o.metadata.name.startsWith(`${name}-`));
      if (!s) throw new Error(`Secret ${name} not generated`);
      return Buffer.from(String(s.data[key]).replace(/\s+/g, ""), "base64").toString("utf8");
    };
    for (const db of ["gacha", "item"]) {
      const url = new URL(secretValue(`${db}-database`, "url"));
      expect(url.protocol).toBe("mysql:");
      expect(url.hostname).toBe("mysql");
      expect(url.port).toBe("3306");
      expect(url.pathname).toBe(`/${db}`);
      expect(url.username).toBe(db);
      expect(decodeURIComponent(url.password)).toBe(secretValue("mysql-credentials", `${db}-password`));
      expect(url.password).toMatch(/dev-only/);
    }
  });

  it("when prod is rendered, then every Deployment (the web page's included) has an autoscaling/v2 HPA with 2+ replicas and a PodDisruptionBudget", () => {
    const prod = render("prod");
    const names = ofKind(prod, "Deployment").map((d) => d.metadata.name);
    expect(names.sort()).toEqual(["auth", "gacha", "gateway", "item", "web"]);
    for (const name of names) {
      const d = find(prod, "Deployment", name);
      const hpa = find(prod, "HorizontalPodAutoscaler", name);
      expect(hpa.apiVersion).toBe("autoscaling/v2");
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      // the HPA owns the count (no spec.replicas: k8s/test/prod-scaling.test.ts)
      const pdb = find(prod, "PodDisruptionBudget", name);
      expect(pdb.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
      expect(pdb.spec.minAvailable ?? 0).toBeLessThan(hpa.spec.minReplicas);
    }
  });

  it("when dev is rendered, then services log at debug level and gRPC reflection is on", () => {
    const dev = render("dev");
    for (const name of ["gacha", "item", "gateway"]) {
      const env = podSpec(find(dev, "Deployment", name)).containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === "LOG_LEVEL")?.value).toBe("debug");
      if (name !== "gateway") expect(env.find((e) => e.name === "GRPC_REFLECTION")?.value).toBe("true");
    }
    const prod = render("prod");
    for (const name of ["gacha", "item"]) {
      const env = podSpec(find(prod, "Deployment", name)).containers[0].env as { name: string; value?: string }[];
      expect(env.find((e) => e.name === "GRPC_REFLECTION")?.value).toBe("false");
    }
  });
});
