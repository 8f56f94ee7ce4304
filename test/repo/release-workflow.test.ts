// The GitOps release path (.github/workflows/release.yml): it runs on GitHub only
// (GHCR, QEMU, Sigstore), so here it is read for what it runs and with which
// permissions, its shell steps run with stand-ins, and the script that publishes
// the render runs for real against a local bare repository.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readText, readYaml, repoRoot } from "./support";
import { runStep, type Job, type Step, type Workflow } from "./workflow-run";

const release = readYaml<Workflow>(".github/workflows/release.yml");
const { images, attest, publish } = release.jobs as Record<"images" | "attest" | "publish", Job>;
const byUses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.startsWith(`${action}@`));
const byRun = (job: Job, pattern: RegExp) => job.steps.find((s) => pattern.test(s.run ?? ""))!;
const PUBLISH = path.join(repoRoot, "scripts", "release", "publish-manifests.sh");

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const ARTIFACTS = ["gacha", "item", "gateway", "auth", "web"];
const buildJson = (tag: (name: string, i: number) => string) =>
  JSON.stringify({ builds: ARTIFACTS.map((imageName, i) => ({ imageName, tag: tag(imageName, i) })) });

describe("release.yml", () => {
  it("when a v* tag is pushed or it is started by hand, then it runs, one release at a time and never cancelled", () => {
    expect(release.on).toEqual({ push: { tags: ["v*"] }, workflow_dispatch: null });
    expect(release.concurrency).toEqual({ group: "${{ github.workflow }}", "cancel-in-progress": false });
  });

  it("when its jobs run, then each holds only the permissions it needs, and only publish can write to the repository", () => {
    expect(release.permissions).toEqual({});
    expect(images.permissions).toEqual({ contents: "read", packages: "write" });
    expect(attest.permissions).toEqual({
      contents: "read",
      packages: "write",
      "id-token": "write",
      attestations: "write",
    });
    expect(publish.permissions).toEqual({ contents: "write" });
    // the build job's checkout leaves no token behind for the build to find
    expect(byUses(images, "actions/checkout")[0]?.with).toEqual({ "persist-credentials": false });
  });

  it("when images are built, then skaffold builds the prod profile for amd64 and arm64 and pushes to GHCR, never naming a Dockerfile", () => {
    expect(byUses(images, "docker/setup-qemu-action")[0]?.with).toEqual({ platforms: "arm64" });
    // Skaffold runs `docker build` then `docker push`: the image must land in the daemon's store
    expect(byUses(images, "docker/setup-buildx-action")[0]?.with).toEqual({ driver: "docker" });
    expect(byUses(images, "docker/login-action")[0]?.with).toEqual({
      registry: "ghcr.io",
      username: "${{ github.actor }}",
      password: "${{ secrets.GITHUB_TOKEN }}",
    });
    const build = byRun(images, /^skaffold build /)
      .run!.trim()
      .split(/\s+/);
    expect(build).toEqual(
      expect.arrayContaining([
        "-p",
        "prod",
        "--platform",
        "linux/amd64,linux/arm64",
        "--default-repo",
        '"${REGISTRY}"',
        "--push",
        "--file-output",
      ]),
    );
    for (const step of Object.values(release.jobs).flatMap((j) => j.steps)) {
      expect(step.run ?? "").not.toMatch(/Dockerfile|docker build|docker buildx/);
    }
  });

  it("when images are built, then BuildKit adds no attestation of its own (Skaffold's manifest-list assembly would drop it and trip on arm64)", () => {
    expect(images.env?.BUILDX_NO_DEFAULT_ATTESTATIONS).toBe("1");
  });

  it("when the owner has capitals, then the registry is ghcr.io/<owner> lower-cased", () => {
    const step = byRun(images, /GITHUB_REPOSITORY_OWNER/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-registry-"));
    try {
      const envFile = path.join(dir, "github.env");
      const r = runStep(release, images, step, {
        cwd: dir,
        stubs: {},
        env: { GITHUB_REPOSITORY_OWNER: "My-Org", GITHUB_ENV: envFile },
      });
      expect(r).toMatchObject({ status: 0 });
      expect(fs.readFileSync(envFile, "utf8")).toBe("REGISTRY=ghcr.io/my-org\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("the digest check after the build (real jq)", () => {
    const step = byRun(images, /jq -e/);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-built-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (json: string) => {
      const out = path.join(dir, "github.out");
      const script: Step = { ...step, run: `cat > "$RUNNER_TEMP/build.json" <<'JSON'\n${json}\nJSON\n${step.run}` };
      const r = runStep(release, images, script, { cwd: dir, stubs: {}, env: { GITHUB_OUTPUT: out } });
      return { ...r, outputs: fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "" };
    };

    it("when every tag is image:tag@sha256 (what skaffold writes after a push), then it hands the images to the attest job", () => {
      const r = run(buildJson((n, i) => `ghcr.io/my-org/${n}:0f1e2d@${digest(String(i + 1))}`));
      expect(r.status).toBe(0);
      const images = JSON.parse(/^images=(.*)$/m.exec(r.outputs)![1]!);
      expect(images).toEqual(ARTIFACTS.map((n, i) => ({ name: `ghcr.io/my-org/${n}`, digest: digest(String(i + 1)) })));
      expect(JSON.parse(/^build=(.*)$/m.exec(r.outputs)![1]!).builds).toHaveLength(5);
    });

    it("when a tag has no digest (nothing was pushed), then the job fails before anything is attested or published", () => {
      const r = run(
        buildJson((n, i) =>
          n === "web" ? `ghcr.io/my-org/web:0f1e2d` : `ghcr.io/my-org/${n}:0f1e2d@${digest(String(i))}`,
        ),
      );
      expect(r.status).not.toBe(0);
      expect(r.outputs).toBe("");
    });
  });

  it("when images are pushed, then each gets a signed SLSA provenance and an SPDX SBOM attestation, pushed to the registry", () => {
    expect(attest.needs).toBe("images");
    expect(attest.strategy?.matrix?.image).toBe("${{ fromJSON(needs.images.outputs.images) }}");
    expect(images.outputs?.images).toBe("${{ steps.built.outputs.images }}");
    const [provenance, sbom] = byUses(attest, "actions/attest");
    const subject = { "subject-name": "${{ matrix.image.name }}", "subject-digest": "${{ matrix.image.digest }}" };
    expect(provenance?.with).toMatchObject({ ...subject, "push-to-registry": true });
    expect(provenance?.with).not.toHaveProperty("sbom-path");
    expect(sbom?.with).toMatchObject({
      ...subject,
      "push-to-registry": true,
      "sbom-path": "${{ runner.temp }}/sbom.spdx.json",
    });
    const syft = byUses(attest, "anchore/sbom-action")[0]!;
    expect(syft.with).toMatchObject({
      image: "${{ matrix.image.name }}@${{ matrix.image.digest }}",
      format: "spdx-json",
      "output-file": "${{ runner.temp }}/sbom.spdx.json",
    });
    expect(attest.steps.indexOf(syft)).toBeLessThan(attest.steps.indexOf(sbom!));
  });

  it("when the images are attested, then publish renders the prod profile offline, pinned by the tags in build.json, and commits it to deploy/prod", () => {
    expect(publish.needs).toEqual(["images", "attest"]);
    expect(publish.env?.BUILD_JSON).toBe("${{ needs.images.outputs.build }}");
    const render = byRun(publish, /skaffold render/).run!.replace(/\\\n\s*/g, "");
    expect(render).toContain(
      'skaffold render -p prod -a "$RUNNER_TEMP/build.json" --digest-source=tag --offline=true --output "$RUNNER_TEMP/prod.yaml"',
    );
    const commit = byRun(publish, /publish-manifests\.sh/).run!;
    expect(commit).toMatch(/^scripts\/release\/publish-manifests\.sh "\$RUNNER_TEMP\/prod\.yaml" deploy\/prod /);
    // the branch and file the Argo CD Application reads
    const app = readYaml<{ spec: { source: { targetRevision: string; directory: { include: string } } } }>(
      "k8s/argocd/application.yaml",
    );
    expect(app.spec.source.targetRevision).toBe("deploy/prod");
    expect(app.spec.source.directory.include).toBe("prod.yaml");
    expect(readText("scripts/release/publish-manifests.sh")).toContain('"$work/prod.yaml"');
  });
});

describe("scripts/release/publish-manifests.sh against a local bare repository", () => {
  let dir: string;
  let clone: string;
  let origin: string;
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "release",
    GIT_AUTHOR_EMAIL: "release@example.com",
    GIT_COMMITTER_NAME: "release",
    GIT_COMMITTER_EMAIL: "release@example.com",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", args, { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const render = (images: string[]) =>
    images
      .map(
        (image, i) =>
          `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: ${image}\n`,
      )
      .join("---\n");
  const publish = (yaml: string, name: string) => {
    const file = path.join(dir, "prod.yaml");
    fs.writeFileSync(file, yaml);
    return spawnSync(PUBLISH, [file, "deploy/prod", name], { cwd: clone, env, encoding: "utf8" });
  };
  const pinned = [`ghcr.io/o/gacha:1a@${digest("a")}`, `ghcr.io/o/item:2b@${digest("b")}`];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "publish-manifests-"));
    origin = path.join(dir, "origin.git");
    clone = path.join(dir, "clone");
    git(dir, "init", "--quiet", "--bare", origin);
    git(dir, "clone", "--quiet", origin, clone);
    fs.writeFileSync(path.join(clone, "main.txt"), "the source code\n");
    git(clone, "add", "main.txt");
    git(clone, "commit", "--quiet", "-m", "main");
    git(clone, "push", "--quiet", "origin", "HEAD:refs/heads/main");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("when the first release is published, then deploy/prod is a new branch holding only prod.yaml and its README", () => {
    const r = publish(render(pinned), "v1.0.0");
    expect(r.status).toBe(0);
    expect(git(origin, "ls-tree", "-r", "--name-only", "deploy/prod").split("\n")).toEqual(["README.md", "prod.yaml"]);
    expect(git(origin, "show", "deploy/prod:prod.yaml")).toBe(render(pinned).trim());
    expect(git(origin, "rev-list", "--count", "deploy/prod")).toBe("1");
    expect(git(origin, "log", "-1", "--format=%s", "deploy/prod")).toBe("Release v1.0.0: hydrated prod manifests");
    // main is untouched and the clone has no leftover worktree
    expect(git(origin, "ls-tree", "--name-only", "main")).toBe("main.txt");
    expect(git(clone, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("when a later release is published, then it is one more commit on deploy/prod; the same release again pushes nothing", () => {
    expect(publish(render(pinned), "v1.0.0").status).toBe(0);
    const next = [pinned[0]!, `ghcr.io/o/item:3c@${digest("c")}`];
    expect(publish(render(next), "v1.1.0").status).toBe(0);
    expect(git(origin, "rev-list", "--count", "deploy/prod")).toBe("2");
    expect(git(origin, "show", "deploy/prod:prod.yaml")).toContain(digest("c"));
    const again = publish(render(next), "v1.1.0");
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("nothing to push");
    expect(git(origin, "rev-list", "--count", "deploy/prod")).toBe("2");
  });

  it("when an image in the render is not pinned by digest, then nothing is published", () => {
    const r = publish(render([pinned[0]!, "ghcr.io/o/item:2b"]), "v1.0.0");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("ghcr.io/o/item:2b");
    expect(git(origin, "branch", "--list", "deploy/prod")).toBe("");
  });
});
