// skaffold.modules.yaml (skaffold.yaml split into modules), asked of the real binary:
// `skaffold inspect modules list`, what `skaffold diagnose --yaml-only -m <module>` resolves
// (the module and what it requires, no more), and `skaffold render` compared with
// kustomize's own render of the overlays and with skaffold.yaml's render, for the whole
// system and for each module, under every profile. Needs only the skaffold binary and
// kubectl (no cluster): `render --offline` on a build.json made up here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { modulePipeline, renderDir, skaffoldModule, type K8sObject } from "../../k8s/test/support/repo";
import { run } from "./support/run";

const SKAFFOLD = process.env.SKAFFOLD || "skaffold";
const IMAGES = ["gacha", "item", "gateway", "auth", "web"];
const PROFILES = [undefined, "debug", "prod"] as const;
/** What each module brings up (itself and what it requires, transitively): the contract the docs give. */
const CLOSURE: Record<string, string[]> = {
  platform: ["platform"],
  auth: ["platform", "auth"],
  item: ["platform", "item"],
  gacha: ["platform", "item", "gacha"],
  gateway: ["platform", "auth", "item", "gacha", "gateway"],
  web: ["platform", "auth", "item", "gacha", "gateway", "web"],
  all: ["platform", "auth", "item", "gacha", "gateway", "web", "all"],
};
const MODULES = Object.keys(CLOSURE);

let dir: string;
let buildJson: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "skaffold-modules-"));
  buildJson = path.join(dir, "build.json");
  fs.writeFileSync(
    buildJson,
    JSON.stringify({ builds: IMAGES.map((imageName) => ({ imageName, tag: `${imageName}:t` })) }),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function skaffold(args: string[]): Promise<string> {
  // as on a laptop with no cluster tier: no default repo would prefix the images
  const r = await run(SKAFFOLD, args, {
    timeoutMs: 120_000,
    env: {
      SKAFFOLD_UPDATE_CHECK: "false",
      SKAFFOLD_COLLECT_METRICS: "false",
      SKAFFOLD_DEFAULT_REPO: undefined,
      SKAFFOLD_PUSH: undefined,
    },
  });
  if (r.code !== 0) throw new Error(`skaffold ${args.join(" ")} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const MODULES_FILE = ["-f", "skaffold.modules.yaml"];
const flags = (module?: string, profile?: string) => [
  ...MODULES_FILE,
  ...(module ? ["-m", module] : []),
  ...(profile ? ["-p", profile] : []),
];

/** Objects as `Kind/name -> JSON`, images of this repo's artifacts back to their bare names. */
function keyed(objects: K8sObject[]): Record<string, string> {
  const text = JSON.stringify(objects).replace(new RegExp(`"image":"(${IMAGES.join("|")}):t"`, "g"), '"image":"$1"');
  return Object.fromEntries(
    (JSON.parse(text) as K8sObject[]).map((o) => [`${o.kind}/${o.metadata.name}`, JSON.stringify(o)]),
  );
}

/** `skaffold render` of skaffold.modules.yaml (`module` and what it requires, or all), or of skaffold.yaml (`single`). */
async function skaffoldRender(module?: string, profile?: string, single = false): Promise<Record<string, string>> {
  const out = path.join(dir, `render-${single ? "single" : (module ?? "modules")}-${profile ?? "default"}.yaml`);
  await skaffold([
    "render",
    ...(single ? (profile ? ["-p", profile] : []) : flags(module, profile)),
    "-a",
    buildJson,
    "--offline=true",
    "--digest-source=tag",
    "--output",
    out,
  ]);
  return keyed(
    YAML.parseAllDocuments(fs.readFileSync(out, "utf8"))
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null),
  );
}

it("when modules are listed, then skaffold names the whole system and each part of it", async () => {
  const { modules } = JSON.parse(await skaffold(["inspect", "modules", "list", ...MODULES_FILE])) as {
    modules: { name: string }[];
  };
  expect(modules.map((m) => m.name).sort()).toEqual([...MODULES].sort());
});

describe.each(PROFILES)("profile %s", (profile) => {
  it.each(MODULES)(
    "when `skaffold diagnose --yaml-only -m %s` resolves it, then it is the module and what it requires, nothing else",
    async (module) => {
      const docs = YAML.parseAllDocuments(await skaffold(["diagnose", "--yaml-only", ...flags(module, profile)]));
      const names = docs.map((d) => (d.toJS() as { metadata: { name: string } }).metadata.name);
      expect(names.sort()).toEqual([...CLOSURE[module]!].sort());
    },
  );

  it("when the whole system renders (no -m), then skaffold's manifests are kustomize's render of the overlay and skaffold.yaml's render, object for object", async () => {
    const overlay = profile ?? "dev";
    const modules = await skaffoldRender(undefined, profile);
    expect(modules).toEqual(keyed(renderDir(`k8s/overlays/${overlay}`)));
    expect(modules).toEqual(await skaffoldRender(undefined, profile, true));
  });

  it.each(MODULES.filter((m) => m !== "all"))(
    "when module %s renders alone, then it is its folders of the overlay and those of what it requires, nothing else",
    async (module) => {
      const folders = CLOSURE[module]!.flatMap(
        (m) => modulePipeline(skaffoldModule(m), profile).manifests?.kustomize?.paths ?? [],
      );
      const expected = Object.assign({}, ...folders.map((f) => keyed(renderDir(f)))) as Record<string, string>;
      expect(await skaffoldRender(module, profile)).toEqual(expected);
    },
  );
});

it("when a backend developer runs `skaffold dev -f skaffold.modules.yaml -m gacha`, then gacha, item, MySQL and observability deploy, and no gateway, auth or web", async () => {
  const kinds = Object.keys(await skaffoldRender("gacha"));
  expect(kinds).toEqual(
    expect.arrayContaining(["Deployment/gacha", "Deployment/item", "StatefulSet/mysql", "Deployment/jaeger"]),
  );
  expect(kinds.filter((k) => /^(Deployment|Service)\/(gateway|auth|web)$/.test(k))).toEqual([]);
});
