// skaffold.yaml: valid against Skaffold's published v4beta13 JSON Schema, and
// consistent with the Dockerfiles, the .dockerignore files and the rendered
// manifests (images, sync destinations, rebuild triggers, port-forwards).
import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import YAML from "yaml";
import { containerPath, targetLayout } from "./support/dockerfile";
import { globMatch, isIncluded, parseDockerignore } from "./support/glob";
import {
  artifactDockerfile,
  containers,
  pipeline,
  readRepoFile,
  render,
  repoFiles,
  repoRoot,
  schemaDir,
  SERVICES,
  skaffoldConfig,
  SkaffoldArtifact,
} from "./support/repo";

const artifactsOf = (profile?: string): SkaffoldArtifact[] =>
  pipeline(skaffoldConfig(), profile).build?.artifacts ?? [];
const artifact = (image: string, profile?: string): SkaffoldArtifact => {
  const a = artifactsOf(profile).find((x) => x.image === image);
  if (!a) throw new Error(`artifact ${image} not in skaffold.yaml${profile ? ` profile ${profile}` : ""}`);
  return a;
};
const ignoreRules = (a: SkaffoldArtifact) => parseDockerignore(readRepoFile(`${a.docker!.dockerfile!}.dockerignore`));
/** Files of the build context that the Dockerfile's target copies (= skaffold's dependencies). */
const dependencies = (a: SkaffoldArtifact) => {
  const rules = ignoreRules(a);
  const layout = targetLayout(artifactDockerfile(a), a.docker!.target!);
  return repoFiles().filter((f) => isIncluded(rules, f) && containerPath(layout, f) !== undefined);
};
/** One Dockerfile for the Node services: SERVICE picks the sources; the gateway has no migrations to copy. */
const buildArgs = (svc: string) => ({ SERVICE: svc, ...(svc === "gateway" ? { MIGRATIONS: "package.json" } : {}) });
const syncTarget = (rule: { src: string; dest: string; strip?: string }, file: string): string => {
  const rel = rule.strip && file.startsWith(rule.strip) ? file.slice(rule.strip.length) : file;
  return path.posix.join(rule.dest, rel);
};

describe("skaffold.yaml", () => {
  it("when validated against Skaffold's skaffold/v4beta13 JSON Schema (draft-07), then it is valid", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, "skaffold-v4beta13.json"), "utf8"));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const config = skaffoldConfig();
    const ok = validate(config);
    // the schema's anyOf branches produce many messages; the additionalProperties ones name the culprit
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    expect({ ok, errors: ok ? [] : errors.slice(0, 20) }).toEqual({ ok: true, errors: [] });
    expect(config.apiVersion).toBe("skaffold/v4beta13");
    expect(config.kind).toBe("Config");
  });

  it("when the default pipeline builds, then there is one dev-target artifact per service with the repo root as context", () => {
    expect(fs.existsSync(path.join(repoRoot, "services/node.Dockerfile.dockerignore"))).toBe(true);
    expect(
      artifactsOf()
        .map((a) => a.image)
        .sort(),
    ).toEqual([...SERVICES, "web"].sort());
    for (const svc of SERVICES) {
      const a = artifact(svc);
      expect(a.context).toBe(".");
      expect(a.docker).toEqual({ dockerfile: "services/node.Dockerfile", target: "dev", buildArgs: buildArgs(svc) });
    }
  });

  it("when the prod profile builds, then the same artifacts use the prod target and sync nothing", () => {
    expect(
      artifactsOf("prod")
        .map((a) => a.image)
        .sort(),
    ).toEqual([...SERVICES, "web"].sort());
    for (const svc of SERVICES) {
      const a = artifact(svc, "prod");
      expect(a.context).toBe(".");
      expect(a.docker).toEqual({ dockerfile: "services/node.Dockerfile", target: "prod", buildArgs: buildArgs(svc) });
      expect(a.sync).toBeUndefined();
    }
  });

  it("when the web artifact builds, then dev runs Vite with services/web/src/** synced into /app and prod is the static target", () => {
    expect(artifact("web")).toEqual({
      image: "web",
      context: ".",
      docker: { dockerfile: "services/web/Dockerfile", target: "dev" },
      sync: { manual: [{ src: "services/web/src/**", dest: "/app" }] },
    });
    expect(artifact("web", "prod")).toEqual({
      image: "web",
      context: ".",
      docker: { dockerfile: "services/web/Dockerfile", target: "prod" },
    });
    // the dev stage copies services/web/ to /app/services/web (WORKDIR /app): a synced file lands where Vite watches it
    expect(readRepoFile("services/web/Dockerfile")).toMatch(/^WORKDIR \/app$/m);
    expect(readRepoFile("services/web/Dockerfile")).toMatch(
      /^COPY --chown=1000:1000 services\/web\/ services\/web\/$/m,
    );
    expect(fs.existsSync(path.join(repoRoot, "services/web/Dockerfile.dockerignore"))).toBe(true);
  });

  it("when the pipelines render, then dev uses k8s/overlays/dev and prod k8s/overlays/prod, deployed with kubectl", () => {
    expect(pipeline(skaffoldConfig()).manifests?.kustomize?.paths).toEqual(["k8s/overlays/dev"]);
    expect(pipeline(skaffoldConfig(), "prod").manifests?.kustomize?.paths).toEqual(["k8s/overlays/prod"]);
    expect(pipeline(skaffoldConfig()).deploy?.kubectl).toBeDefined();
    expect(pipeline(skaffoldConfig(), "prod").deploy?.kubectl).toBeDefined();
  });

  it("when a profile changes the pipeline, then it replaces sections or appends to a list, never patches by list index", () => {
    const byIndex = (skaffoldConfig().profiles ?? []).flatMap((p) =>
      ((p.patches ?? []) as { op: string; path: string }[])
        .filter((patch) => !(patch.op === "add" && patch.path.endsWith("/-")))
        .map((patch) => `${p.name}: ${patch.op} ${patch.path}`),
    );
    expect(byIndex).toEqual([]);
  });

  it("when images are rendered, then every image built here is an artifact and every artifact is deployed", () => {
    for (const [overlay, profile] of [
      ["dev", undefined],
      ["prod", "prod"],
    ] as const) {
      const images = new Set(containers(render(overlay)).map((r) => r.container.image ?? ""));
      // third-party images carry a tag or registry; ours are bare names skaffold replaces
      const ours = [...images].filter((i) => !/[:/@]/.test(i)).sort();
      expect(ours).toEqual(
        artifactsOf(profile)
          .map((a) => a.image)
          .sort(),
      );
      // third-party images, pinned: the dev MySQL and the observability backends (dev only)
      expect([...images].filter((i) => /[:/@]/.test(i)).sort()).toEqual(
        overlay === "dev" ? ["jaegertracing/jaeger:2.1.0", "mysql:8.4", "prom/prometheus:v3.1.0"] : [],
      );
    }
  });

  describe.each([...SERVICES])("the %s artifact's file sync", (svc) => {
    const rules = () => artifact(svc).sync?.manual ?? [];

    it(`when its rules are read, then services/${svc}/src/**/*.ts is synced`, () => {
      expect(rules().map((r) => r.src)).toContain(`services/${svc}/src/**/*.ts`);
    });

    it("when each sync glob is matched against the repository, then it matches real files that are build dependencies", () => {
      const deps = new Set(dependencies(artifact(svc)));
      for (const rule of rules()) {
        const matched = repoFiles().filter((f) => globMatch(rule.src, f) && deps.has(f));
        expect({ src: rule.src, matched: matched.length > 0 }).toEqual({ src: rule.src, matched: true });
      }
    });

    it("when a file is synced, then it lands exactly where the Dockerfile's dev target copied it", () => {
      const a = artifact(svc);
      const layout = targetLayout(artifactDockerfile(a), "dev");
      const deps = dependencies(a);
      const wrong: string[] = [];
      for (const rule of rules()) {
        for (const file of deps.filter((f) => globMatch(rule.src, f))) {
          const synced = syncTarget(rule, file);
          const built = containerPath(layout, file);
          if (synced !== built) wrong.push(`${file}: sync -> ${synced}, image has it at ${built}`);
        }
      }
      expect(wrong).toEqual([]);
      expect(layout.workdir.startsWith("/app")).toBe(true);
    });

    it("when package.json, the lockfile, a .proto, a Prisma schema or the Dockerfile changes, then it is a rebuild trigger, not a sync", () => {
      const a = artifact(svc);
      const deps = new Set(dependencies(a));
      const triggers = [
        "package.json",
        "package-lock.json",
        `services/${svc}/package.json`,
        ...repoFiles().filter((f) => f.startsWith("proto/") && f.endsWith(".proto")),
        ...repoFiles().filter((f) => /^prisma\/[^/]+\/schema\.prisma$/.test(f)),
        ...(svc === "gateway" ? [] : repoFiles().filter((f) => f.startsWith(`prisma/${svc}/migrations/`))),
        `services/${svc}/nodemon.json`,
      ];
      expect(triggers.filter((f) => !deps.has(f))).toEqual([]);
      expect(triggers.filter((f) => (a.sync?.manual ?? []).some((r) => globMatch(r.src, f)))).toEqual([]);
      // skaffold always watches the Dockerfile itself
      expect(fs.existsSync(path.join(repoRoot, a.docker!.dockerfile!))).toBe(true);
    });

    it("when another service's source changes, then this artifact neither rebuilds nor syncs", () => {
      const deps = dependencies(artifact(svc));
      const others = SERVICES.filter((s) => s !== svc);
      expect(deps.filter((f) => others.some((o) => f.startsWith(`services/${o}/src/`)))).toEqual([]);
    });

    it("when generated code exists locally, then it is neither a dependency nor synced (the image generates its own)", () => {
      const deps = dependencies(artifact(svc));
      expect(deps.filter((f) => /(^|\/)(generated|gen|node_modules|dist)\//.test(f))).toEqual([]);
    });
  });

  it("when port-forwards are declared, then gateway 8080, gacha 50051, item 50052, auth 8081, mysql 3306, web 5173, jaeger 16686 and prometheus 9090 exist in the dev render", () => {
    const forwards = pipeline(skaffoldConfig()).portForward ?? [];
    const expected = {
      gateway: 8080,
      gacha: 50051,
      item: 50052,
      auth: 8081,
      mysql: 3306,
      web: 5173,
      jaeger: 16686,
      prometheus: 9090,
    };
    expect(Object.fromEntries(forwards.map((f) => [f.resourceName, f.localPort]))).toEqual(expected);
    const dev = render("dev");
    for (const f of forwards) {
      expect(f.resourceType).toBe("service");
      const svc = dev.find((o) => o.kind === "Service" && o.metadata.name === f.resourceName);
      expect(svc).toBeDefined();
      expect(svc!.spec.ports.map((p: { port: number }) => p.port)).toContain(f.port);
    }
  });

  it("when the prod profile port-forwards, then only the gateway and auth are forwarded (no MySQL in prod)", () => {
    const forwards = pipeline(skaffoldConfig(), "prod").portForward ?? [];
    const prod = render("prod");
    for (const f of forwards)
      expect(prod.some((o) => o.kind === "Service" && o.metadata.name === f.resourceName)).toBe(true);
    expect(forwards.map((f) => f.resourceName)).toEqual(["gateway", "auth"]);
  });
});

describe("kustomizations", () => {
  it("when any kustomization patches, then it uses strategic-merge patches, never JSON patches by list index", () => {
    const files = repoFiles().filter((f) => f.startsWith("k8s/") && /kustomization\.ya?ml$/.test(f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const bad: string[] = [];
    for (const f of files) {
      const k = YAML.parse(readRepoFile(f)) ?? {};
      if (k.patchesJson6902) bad.push(`${f}: patchesJson6902`);
      for (const p of [...(k.patches ?? []), ...(k.patchesStrategicMerge ?? [])]) {
        const text: string =
          typeof p === "string"
            ? readRepoFile(path.posix.join(path.posix.dirname(f), p))
            : (p.patch ?? (p.path ? readRepoFile(path.posix.join(path.posix.dirname(f), p.path)) : ""));
        if (/^\s*-?\s*op:\s*/m.test(text) || /path:\s*\S*\/\d+(\/|\s|$)/.test(text))
          bad.push(`${f}: JSON patch in ${p.path ?? "inline patch"}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
