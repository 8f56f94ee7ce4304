// The render step of the GitOps release (.github/workflows/release.yml, publish
// job): the real `skaffold render -p prod -a build.json --digest-source=tag
// --offline=true`, on a build.json shaped like the one `skaffold build --push`
// writes (image:tag@sha256:digest), then the API server's verdict on the
// output (`kubectl apply --dry-run=server`) in a namespace of its own. The
// images themselves are never pulled: the digests are made up.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { createNamespace, deleteNamespace } from "./support/cluster";
import { kubectl, skaffold } from "./support/run";

const ARTIFACTS = ["gacha", "item", "gateway", "auth", "web"];
const REGISTRY = "ghcr.io/example-owner";
const tagOf = (name: string, i: number) => `${REGISTRY}/${name}:0f1e2d3c@sha256:${String(i + 1).repeat(64)}`;

interface Obj {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { template?: { spec?: PodSpec }; ttlSecondsAfterFinished?: number };
}
interface PodSpec {
  containers?: { image: string }[];
  initContainers?: { image: string }[];
}

let dir: string;
let ns: string | undefined;
let rendered: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-render-"));
  const buildJson = path.join(dir, "build.json");
  fs.writeFileSync(
    buildJson,
    JSON.stringify({ builds: ARTIFACTS.map((imageName, i) => ({ imageName, tag: tagOf(imageName, i) })) }),
  );
  // as on a GitHub runner: no default repo of the cluster tier's (it would prefix every image)
  const r = await skaffold(
    ["render", "-p", "prod", "-a", buildJson, "--digest-source=tag", "--offline=true", "--output", `${dir}/prod.yaml`],
    { timeoutMs: 120_000, env: { SKAFFOLD_DEFAULT_REPO: undefined, SKAFFOLD_PUSH: undefined } },
  );
  if (r.code !== 0) throw new Error(`skaffold render failed (${r.code}):\n${r.stderr}`);
  rendered = fs.readFileSync(`${dir}/prod.yaml`, "utf8");
});

afterAll(async () => {
  if (ns) await deleteNamespace(ns);
  fs.rmSync(dir, { recursive: true, force: true });
});

const objects = () =>
  YAML.parseAllDocuments(rendered)
    .map((d) => d.toJSON() as Obj)
    .filter(Boolean);
const imagesOf = (o: Obj) =>
  [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])].map(
    (c) => c.image,
  );

it("when skaffold renders offline from a pushed build.json, then every image is the build's tag@digest, and every artifact is used", () => {
  const images = objects().flatMap(imagesOf);
  expect(images.length).toBeGreaterThanOrEqual(ARTIFACTS.length);
  const notPinned = images.filter((i) => !/@sha256:[0-9a-f]{64}$/.test(i));
  expect(notPinned).toEqual([]);
  const expected = new Set(ARTIFACTS.map(tagOf));
  expect(images.filter((i) => !expected.has(i))).toEqual([]);
  expect([...new Set(images)].sort()).toEqual([...expected].sort());
});

it("when skaffold renders the prod profile, then the migration Jobs are Argo CD PreSync hooks that still delete themselves", () => {
  const jobs = objects().filter((o) => o.kind === "Job");
  expect(jobs.map((j) => j.metadata.name).sort()).toEqual(["auth-migrate", "gacha-migrate", "item-migrate"]);
  for (const job of jobs) {
    expect(job.metadata.annotations).toMatchObject({
      "argocd.argoproj.io/hook": "PreSync",
      "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation",
    });
    expect(job.spec?.ttlSecondsAfterFinished).toBe(0);
  }
});

it("when the render is applied with --dry-run=server, then the API server accepts every object", async () => {
  ns = await createNamespace("release");
  const r = await kubectl(["apply", "-n", ns, "--dry-run=server", "-f", "-"], { input: rendered, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`server-side dry-run rejected:\n${r.stderr}`);
  const accepted = r.stdout.split("\n").filter((l) => /\(server dry run\)$/.test(l));
  expect(accepted).toHaveLength(objects().length);
  expect(r.stdout).toMatch(/job\.batch\/gacha-migrate (created|configured|unchanged) \(server dry run\)/);
});

it("when the release builds (`skaffold build -p prod`), then it builds the five apps and not the e2e image the build command otherwise adds", async () => {
  const plan = async (profile: string[]) => {
    const r = await skaffold(["build", ...profile, "--dry-run", "-q"], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`skaffold build --dry-run failed (${r.code}):\n${r.stderr}`);
    const { builds } = JSON.parse(r.stdout) as { builds: { imageName: string }[] };
    return builds.map((b) => b.imageName).sort();
  };
  expect(await plan(["-p", "prod"])).toEqual([...ARTIFACTS].sort());
  expect(await plan([])).toEqual([...ARTIFACTS, "e2e"].sort());
});
