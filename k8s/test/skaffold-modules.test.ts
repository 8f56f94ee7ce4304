// skaffold.modules.yaml: skaffold.yaml's pipeline as one module per part of the system
// (docs/kubernetes.md, "Modules"). The two files must stay in step: same images, build
// settings, sync rules and port-forwards under every profile, and the modules' folders
// are exactly the overlay skaffold.yaml deploys. What the real binary makes of the
// modules (`-m`, render) is test/cluster/skaffold-modules.test.ts.
import fs from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import YAML from "yaml";
import {
  modulePipeline,
  modulesPipeline,
  pipeline,
  readRepoFile,
  schemaDir,
  skaffoldConfig,
  skaffoldModules,
  type PortForward,
  type SkaffoldArtifact,
} from "./support/repo";

const PROFILES = [undefined, "debug", "prod"] as const;
const byImage = (artifacts: SkaffoldArtifact[] = []) => Object.fromEntries(artifacts.map((a) => [a.image, a]));
const forwardKeys = (forwards: PortForward[] = []) =>
  forwards.map((f) => `${f.resourceType}/${f.resourceName}:${f.port}->${f.localPort}`).sort();
/** The kustomize folders an overlay is the union of (its kustomization's resources). */
const overlayFolders = (overlay: string) =>
  (YAML.parse(readRepoFile(`k8s/overlays/${overlay}/kustomization.yaml`)).resources as string[]).map((r) =>
    path.posix.normalize(`k8s/overlays/${overlay}/${r}`),
  );

it("when each module is validated against Skaffold's skaffold/v4beta13 JSON Schema, then it is valid and named", () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(
    JSON.parse(fs.readFileSync(path.join(schemaDir, "skaffold-v4beta13.json"), "utf8")),
  );
  for (const m of skaffoldModules()) {
    const ok = validate(m);
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    expect({ module: m.metadata?.name, errors: ok ? [] : errors.slice(0, 10) }).toEqual({
      module: m.metadata?.name,
      errors: [],
    });
    expect(m.apiVersion).toBe(skaffoldConfig().apiVersion);
  }
});

it("when the modules are listed, then the root `all` comes first and requires every other module", () => {
  const [root, ...rest] = skaffoldModules();
  expect(root?.metadata?.name).toBe("all");
  expect(root?.requires?.flatMap((r) => r.configs ?? [])).toEqual(rest.map((m) => m.metadata?.name));
});

describe.each(PROFILES)("profile %s", (profile) => {
  it("when the modules build, then they build skaffold.yaml's artifacts exactly (Dockerfile, target, build args, sync rules)", () => {
    expect(byImage(modulesPipeline(profile).build?.artifacts)).toEqual(
      byImage(pipeline(skaffoldConfig(), profile).build?.artifacts),
    );
  });

  it("when the modules port-forward, then they forward what skaffold.yaml forwards", () => {
    expect(forwardKeys(modulesPipeline(profile).portForward)).toEqual(
      forwardKeys(pipeline(skaffoldConfig(), profile).portForward),
    );
  });

  it("when the modules render, then their folders are the overlay skaffold.yaml deploys, each once", () => {
    const [overlay] = pipeline(skaffoldConfig(), profile).manifests?.kustomize?.paths ?? [];
    const folders = modulesPipeline(profile).manifests?.kustomize?.paths ?? [];
    expect(new Set(folders).size).toBe(folders.length);
    expect([...folders].sort()).toEqual(overlayFolders(path.posix.basename(overlay!)).sort());
  });
});

it("when a module deploys, then it uses skaffold.yaml's deployer and status-check deadline; the root, which renders nothing, has no deployer (Skaffold fails one with 'nothing to deploy')", () => {
  for (const m of skaffoldModules()) {
    for (const profile of PROFILES) {
      const p = modulePipeline(m, profile);
      expect({ module: m.metadata?.name, profile, deploy: p.deploy }).toEqual({
        module: m.metadata?.name,
        profile,
        deploy: p.manifests ? pipeline(skaffoldConfig(), profile).deploy : undefined,
      });
    }
  }
});

it("when the root module verifies, then it runs skaffold.yaml's verify stanza, and its e2e profile adds the same image", () => {
  type WithVerify = { verify?: unknown };
  const [root] = skaffoldModules();
  expect((root as WithVerify).verify).toEqual((skaffoldConfig() as WithVerify).verify);
  const e2e = root?.profiles?.find((p) => p.name === "e2e");
  const single = skaffoldConfig().profiles?.find((p) => p.name === "e2e");
  expect(e2e?.activation).toEqual(single?.activation);
  const singleImage = (single?.patches ?? []).find((p) => p.path === "/build/artifacts/-")?.value;
  expect(e2e?.build?.artifacts).toEqual([singleImage]);
  // the release (`build -p prod`) builds the services only: the root's prod profile empties the e2e list again
  expect(modulePipeline({ ...root!, build: e2e?.build }, "prod").build?.artifacts).toEqual([]);
});

it("when a module's profile changes its pipeline, then it replaces or removes whole sections, never a list index", () => {
  const byIndex = skaffoldModules().flatMap((m) =>
    (m.profiles ?? []).flatMap((p) =>
      (p.patches ?? [])
        .filter((patch) => /\/(\d+|-)(\/|$)/.test(patch.path))
        .map((patch) => `${m.metadata?.name} ${p.name}: ${patch.op} ${patch.path}`),
    ),
  );
  expect(byIndex).toEqual([]);
});
