// The four Node images share one Dockerfile (services/node.Dockerfile, SERVICE from
// docker.buildArgs). Skaffold must still give each artifact only its own files: this
// asks the real binary. `skaffold diagnose` lists each artifact's inputDigest tag (a
// hash of its dependencies, the Dockerfile and its build args) and its dependency
// count; a file added under one service must change that service's tag only.
// Needs only the skaffold binary (no cluster): a few seconds. Runs on a copy of the
// repository so the working tree is never touched.
import fs from "node:fs";
import path from "node:path";
import { repoCopy } from "./support/cluster";
import { run } from "./support/run";

const SKAFFOLD = process.env.SKAFFOLD || "skaffold";
const NODE_SERVICES = ["gacha", "item", "gateway", "auth"] as const;

interface Artifact {
  tag: string;
  dependencies: number;
}

async function diagnose(dir: string, profile?: string): Promise<Record<string, Artifact>> {
  const r = await run(SKAFFOLD, ["diagnose", ...(profile ? ["-p", profile] : [])], {
    cwd: dir,
    env: { SKAFFOLD_UPDATE_CHECK: "false", SKAFFOLD_COLLECT_METRICS: "false" },
  });
  if (r.code !== 0) throw new Error(`skaffold diagnose exited ${r.code}:\n${r.stdout}${r.stderr}`);
  const out: Record<string, Artifact> = {};
  for (const m of r.stdout.matchAll(/^ - (\S+) -> \S+:(\S+)$/gm)) out[m[1]!] = { tag: m[2]!, dependencies: -1 };
  for (const m of r.stdout.matchAll(/^Docker artifact: (\S+)\n(?:.*\n)*? - Dependencies: (\d+) files$/gm))
    out[m[1]!]!.dependencies = Number(m[2]);
  return out;
}

const tags = (a: Record<string, Artifact>) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v.tag]));

let repo: { dir: string; remove(): void };
beforeAll(() => {
  repo = repoCopy();
});
afterAll(() => repo?.remove());

/** Adds `file` (a path in the repository copy) for the duration of `fn`. */
async function withFile<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const abs = path.join(repo.dir, file);
  // the first folder mkdir creates (an empty folder is a dependency too), else the file
  const created = fs.mkdirSync(path.dirname(abs), { recursive: true }) ?? abs;
  fs.writeFileSync(abs, "// added by skaffold-dependencies.test.ts\n");
  try {
    return await fn();
  } finally {
    fs.rmSync(created, { recursive: true });
  }
}

describe.each([undefined, "prod"])("profile %s", (profile) => {
  it("when nothing changed, then the four Node artifacts have four different tags (their own dependency sets)", async () => {
    const a = await diagnose(repo.dir, profile);
    expect(new Set(NODE_SERVICES.map((s) => a[s]!.tag)).size).toBe(4);
    for (const s of NODE_SERVICES) expect(a[s]!.dependencies).toBeGreaterThan(0);
  });

  it.each([
    ["services/gateway/src/zz-added.ts", ["gateway"]],
    ["services/gacha/config/zz-added.json", ["gacha"]],
    ["prisma/item/migrations/zz-added/migration.sql", ["item"]],
    ["services/auth/src/zz-added.ts", ["auth"]],
    // a shared package is every image's input (auth takes proto too: docs/containers.md)
    ["packages/runtime/src/zz-added.ts", ["gacha", "item", "gateway", "auth"]],
  ])("when %s is added, then only the tags of %j change", async (file, changed) => {
    const before = await diagnose(repo.dir, profile);
    const after = await withFile(file, () => diagnose(repo.dir, profile));
    const moved = Object.keys(before).filter((k) => before[k]!.tag !== after[k]!.tag);
    expect(moved.sort()).toEqual([...changed].sort());
    // and the count of the changed artifacts' dependencies grew by that one file
    for (const s of changed) expect(after[s]!.dependencies).toBe(before[s]!.dependencies + 1);
    expect(tags(await diagnose(repo.dir, profile))).toEqual(tags(before));
  });
});
