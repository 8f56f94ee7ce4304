// services/node.Dockerfile, read once per service with the build args skaffold.yaml
// passes (SERVICE=...): pinned Node 24 bases, a dev and a prod target,
// non-root users matching the manifests, every npm workspace present for
// `npm ci`, no secret baked into a layer.
import { baseImage, stageChain, targetLayout } from "./support/dockerfile";
import { isIncluded, parseDockerignore } from "./support/glob";
import { find, podSpec, readRepoFile, render, serviceDockerfile, SERVICES } from "./support/repo";

const dockerfile = (svc: string) => serviceDockerfile(svc);

describe.each([...SERVICES])("services/node.Dockerfile, SERVICE=%s", (svc) => {
  it("when its targets are resolved, then dev builds on node:24-bookworm-slim and prod on distroless nodejs24 nonroot", () => {
    const df = dockerfile(svc);
    expect(baseImage(df, "dev")).toBe("node:24-bookworm-slim");
    expect(baseImage(df, "prod")).toBe("gcr.io/distroless/nodejs24-debian12:nonroot");
    // the prod stage copies its files from the build stage, not from the context
    expect(targetLayout(df, "prod").copies.filter((c) => c.from === undefined)).toEqual([]);
    expect(stageChain(df, "prod").map((s) => s.name)).toEqual(["prod"]);
  });

  it("when the dev target runs, then it is nodemon, as uid 1000 (the user the dev overlay runs as), in the service folder", () => {
    const layout = targetLayout(dockerfile(svc), "dev");
    expect(layout.cmd).toBe('["nodemon"]');
    expect(layout.user).toBe("1000:1000");
    expect(layout.workdir).toBe(`/app/services/${svc}`);
    expect(podSpec(find(render("dev"), "Deployment", svc)).securityContext.runAsUser).toBe(1000);
    // sources are owned by that user so skaffold sync (tar, as that user) can write them
    for (const c of layout.copies.filter((x) => !x.from)) expect(c.chown).toBe("1000:1000");
  });

  it("when the prod target runs, then it is the compiled main.js of the service folder as uid 65532 (the user the base manifests run as)", () => {
    const df = dockerfile(svc);
    const layout = targetLayout(df, "prod");
    // relative to WORKDIR: an exec-form CMD expands no ARG
    expect(layout.cmd).toBe('["dist/main.js"]');
    expect(layout.workdir).toBe(`/app/services/${svc}`);
    expect(layout.user).toBe("65532:65532");
    expect(podSpec(find(render("prod"), "Deployment", svc)).securityContext.runAsUser).toBe(65532);
    // node_modules, then the runtime tree the build stage gathered in /out, at /app
    expect(layout.copies.map((c) => [c.from, c.sources.join(" "), c.dest])).toEqual([
      ["build", "/app/node_modules/", "/app/node_modules"],
      ["build", "/out/", "/app"],
    ]);
    // /out: package.json + dist of every workspace folder compiled for the service (the
    // node_modules/@gacha/* links point there), the gacha pool, this service's migrations
    const gather = stageChain(df, "build")
      .at(-1)!
      .instructions.filter((i) => i.keyword === "RUN")
      .map((i) => i.args)
      .join("\n");
    for (const s of [
      "for d in packages/* services/${SERVICE}",
      'cp -r "$d/package.json" "$d/dist"',
      'cp -r "services/${SERVICE}/config"',
      'cp -r "prisma/${SERVICE}/migrations"',
    ])
      expect(gather).toContain(s);
    // the migrator is compiled (and shipped) only where there are migrations to apply
    expect(gather).toContain(
      "tsc -b services/${SERVICE} $(test -d prisma/${SERVICE}/migrations && echo packages/migrate)",
    );
    // the migration containers run packages/migrate from /app, not from the service folder
    if (svc !== "gateway")
      for (const c of podSpec(find(render("prod"), "Deployment", svc)).initContainers ?? [])
        expect(c.workingDir).toBe("/app");
  });

  it("when npm ci runs, then every workspace's package.json, the lockfile and the generate inputs are already copied", () => {
    const df = dockerfile(svc);
    const deps = df.stages.find((s) => s.name === "deps")!;
    const ciAt = deps.instructions.findIndex((i) => i.keyword === "RUN" && /\bnpm ci\b/.test(i.args));
    expect(ciAt).toBeGreaterThan(0);
    const before = deps.instructions
      .slice(0, ciAt)
      .filter((i) => i.keyword === "COPY")
      .map((i) => i.args)
      .join("\n");
    const workspaces: string[] = JSON.parse(readRepoFile("package.json")).workspaces;
    for (const ws of workspaces) expect(before).toContain(`${ws}/package.json`);
    for (const f of [
      "package.json",
      "package-lock.json",
      "buf.yaml",
      "buf.gen.yaml",
      "proto/",
      "prisma/",
      "scripts/generate.js",
      "scripts/no-schema-engine.sh",
    ])
      expect(before).toContain(f);
  });

  it("when the image is built, then no secret-looking ARG or ENV is baked into a layer", () => {
    const df = dockerfile(svc);
    const names = [
      ...df.globalArgs.keys(),
      ...df.stages.flatMap((s) =>
        s.instructions
          .filter((i) => i.keyword === "ARG" || i.keyword === "ENV")
          .flatMap((i) => [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!)),
      ),
    ];
    expect(names.filter((n) => /PASSWORD|SECRET|TOKEN|DATABASE_URL|API_KEY|NPM_AUTH/i.test(n))).toEqual([]);
  });

  it("when the build context is sent, then installs, build output, generated code, tests and .env files stay out", () => {
    const rules = parseDockerignore(readRepoFile("services/node.Dockerfile.dockerignore"));
    for (const f of [
      "node_modules/x/index.js",
      `services/${svc}/node_modules/x.js`,
      `services/${svc}/dist/main.js`,
      "packages/proto/src/gen/gacha/v1/gacha.ts",
      `services/${svc}/src/generated/prisma/client.ts`,
      `services/${svc}/test/a.test.ts`,
      ".env",
      `services/${svc}/.env`,
      ".git/config",
      "k8s/base/kustomization.yaml",
      "README.md",
    ])
      expect({ f, included: isIncluded(rules, f) }).toEqual({ f, included: false });
    for (const f of [
      "package.json",
      "package-lock.json",
      `services/${svc}/src/main.ts`,
      `services/${svc}/package.json`,
      "proto/gacha/v1/gacha.proto",
    ])
      expect({ f, included: isIncluded(rules, f) }).toEqual({ f, included: true });
  });
});
