// `skaffold run` of the default pipeline on a real cluster, as a user runs it
// (README "Run on minikube"), then the supertest e2e suite through `kubectl
// port-forward` and in the cluster (`skaffold verify`), the web page, the overlays
// through server-side dry-run, and `skaffold delete`. One namespace for the whole file: a deploy costs minutes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createNamespace, deleteNamespace, deploymentsAvailable, portForward, repoCopy } from "./support/cluster";
import { mysql } from "./support/mysql";
import { podOf, reachFrom } from "./support/netcheck";
import { eventually, kubectl, kubectlJson, kubectlOk, repoRoot, run, skaffold } from "./support/run";

const RUN_TIMEOUT = 20 * 60_000; // cold image builds + the 600 s status-check deadline
let ns: string;

beforeAll(async () => {
  ns = await createNamespace("run");
});
afterAll(async () => {
  if (ns) await deleteNamespace(ns);
});

const expectSucceeded = (r: { code: number | null; stdout: string; stderr: string }) => {
  if (r.code !== 0) throw new Error(`skaffold exited ${r.code}:\n${(r.stdout + r.stderr).slice(-6000)}`);
};

it("when `skaffold run` deploys the default pipeline into a fresh namespace, then it exits 0 and every Deployment is Available", async () => {
  const r = await skaffold(["run", "-n", ns, "--status-check=true"], { timeoutMs: RUN_TIMEOUT });
  expectSucceeded(r);
  expect(r.stdout + r.stderr).toMatch(/Deployments stabilized in/);
  // Skaffold lists the images it built or found: the five apps, not the e2e image (only build and verify add it)
  expect(r.stdout + r.stderr).toMatch(/^\s*- gateway -> /m);
  expect(r.stdout + r.stderr).not.toMatch(/^\s*- e2e -> /m);
  const available = await deploymentsAvailable(ns);
  expect(Object.keys(available).sort()).toEqual(["auth", "gacha", "gateway", "item", "jaeger", "prometheus", "web"]);
  expect(Object.values(available).every((s) => s === "True")).toBe(true);
});

it("then every migration Job ran to completion and deleted themselves (ttlSecondsAfterFinished: 0)", async () => {
  await eventually(async () => {
    const { items } = await kubectlJson(["-n", ns, "get", "jobs"]);
    expect(items.map((j) => j.metadata.name)).toEqual([]);
  }, 60_000);
  for (const db of ["gacha", "item", "auth"]) {
    const applied = await mysql(
      ns,
      `SELECT migration_name FROM ${db}._prisma_migrations WHERE finished_at IS NOT NULL`,
    );
    const onDisk = fs.readdirSync(path.join(repoRoot, "prisma", db, "migrations")).filter((f) => /^\d{14}_/.test(f));
    expect(applied.sort()).toEqual(onDisk.sort());
  }
});

it("when item connects to gacha:50051 in the dev namespace, then it connects: dev has no NetworkPolicies, and prod's deny of that flow is its policies' doing (network-policies.test.ts)", async () => {
  expect(await reachFrom(ns, await podOf(ns, "item"), "gacha", 50051)).toBe("connected");
});

it("when `skaffold run` runs again with nothing changed, then it succeeds without `field is immutable`", async () => {
  const r = await skaffold(["run", "-n", ns, "--status-check=true"], { timeoutMs: RUN_TIMEOUT });
  expectSucceeded(r);
  expect(r.stdout + r.stderr).not.toMatch(/field is immutable/);
});

it("when a migration is added and `skaffold run` runs, then the rebuilt migration Job applies it", async () => {
  const copy = repoCopy();
  try {
    const name = "29991231000000_cluster_tier_probe";
    const dir = path.join(copy.dir, "prisma/item/migrations", name);
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, "migration.sql"),
      "CREATE TABLE `cluster_tier_probe` (`id` INTEGER NOT NULL PRIMARY KEY);\n",
    );
    const r = await skaffold(["run", "-n", ns, "--status-check=true"], { cwd: copy.dir, timeoutMs: RUN_TIMEOUT });
    expectSucceeded(r);
    expect(r.stdout + r.stderr).not.toMatch(/field is immutable/);
    await eventually(
      async () => {
        expect(
          await mysql(ns, `SELECT migration_name FROM item._prisma_migrations WHERE finished_at IS NOT NULL`),
        ).toContain(name);
      },
      120_000,
      2_000,
    );
    expect(await mysql(ns, "SHOW TABLES FROM item LIKE 'cluster_tier_probe'")).toEqual(["cluster_tier_probe"]);
  } finally {
    copy.remove();
  }
});

it("when the gateway and auth are port-forwarded, then the supertest e2e suite signs up, signs in and passes through them", async () => {
  const pf = await portForward(ns, "svc/gateway", 8080);
  const auth = await portForward(ns, "svc/auth", 8081);
  try {
    const r = await run("npx", ["jest", "--config", "jest.e2e.config.js", "--ci"], {
      env: { E2E_BASE_URL: pf.url, E2E_AUTH_URL: auth.url },
      timeoutMs: 5 * 60_000,
    });
    if (r.code !== 0) throw new Error(`e2e suite failed through ${pf.url}:\n${(r.stdout + r.stderr).slice(-6000)}`);
    expect(r.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  } finally {
    await Promise.all([pf.close(), auth.close()]);
  }
});

interface JaegerTraces {
  data: { traceID: string; processes: Record<string, { serviceName: string }> }[];
}

it("when draws have gone through the gateway, then Jaeger holds a trace that crosses gateway, gacha and item (dev's tracing component)", async () => {
  // Jaeger's query API through the API server's service proxy: what a user opens on :16686
  const tracesUrl = `/api/v1/namespaces/${ns}/services/jaeger:ui/proxy/api/traces?service=gateway&limit=100&lookback=1h`;
  const crossing = await eventually(
    async () => {
      const { data } = JSON.parse(await kubectlOk(["get", "--raw", tracesUrl])) as JaegerTraces;
      const found = data.find((t) => {
        const names = new Set(Object.values(t.processes).map((p) => p.serviceName));
        return ["gateway", "gacha", "item"].every((n) => names.has(n));
      });
      if (!found) throw new Error(`no trace of ${data.length} from the gateway reaches gacha and item`);
      return found;
    },
    60_000,
    2_000,
  );
  expect(crossing.traceID).toMatch(/^[0-9a-f]{16,32}$/);
});

/** `skaffold build --file-output` then `skaffold verify -a` (README "Verify in the cluster"), in cwd. */
async function buildAndVerify(cwd: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-verify-"));
  try {
    const buildJson = path.join(dir, "build.json");
    const build = await skaffold(["build", "-n", ns, `--file-output=${buildJson}`], { cwd, timeoutMs: RUN_TIMEOUT });
    expectSucceeded(build);
    const built: { builds: { imageName: string }[] } = JSON.parse(fs.readFileSync(buildJson, "utf8"));
    const verify = await skaffold(["verify", "-n", ns, "-a", buildJson], { cwd, timeoutMs: 12 * 60_000 });
    return {
      built: built.builds.map((b) => b.imageName).sort(),
      code: verify.code,
      output: verify.stdout + verify.stderr,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

it("when `skaffold build --file-output` then `skaffold verify -a` run, then the e2e suite runs as a Job in the namespace against the Services and passes, and the Job is removed", async () => {
  const { built, code, output } = await buildAndVerify(repoRoot);
  // the build command adds the e2e image (the e2e profile); `skaffold run` above did not build it
  expect(built).toEqual(["auth", "e2e", "gacha", "gateway", "item", "web"]);
  if (code !== 0) throw new Error(`skaffold verify exited ${code}:\n${output.slice(-6000)}`);
  // Skaffold streams the Job's logs: jest's summary, from inside the cluster
  expect(output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  expect(output).not.toMatch(/Tests:.*failed/);
  await eventually(async () => {
    expect(
      (await kubectlOk(["-n", ns, "get", "jobs,pods", "-l", "app.kubernetes.io/name=e2e", "-o", "name"])).trim(),
    ).toBe("");
  }, 60_000);
});

it("when the verify Job's suite fails (its gateway URL points at a closed port), then `skaffold verify` exits non-zero", async () => {
  const copy = repoCopy();
  try {
    const job = path.join(copy.dir, "k8s/verify/e2e-job.yaml");
    const text = fs.readFileSync(job, "utf8");
    expect(text).toContain("http://gateway:8080");
    fs.writeFileSync(job, text.replace("http://gateway:8080", "http://gateway:1"));
    const { code, output } = await buildAndVerify(copy.dir);
    if (code === 0) throw new Error(`skaffold verify exited 0 with a failing suite:\n${output.slice(-6000)}`);
    // the suite's own message: it names the URL it could not reach
    expect(output).toMatch(/gateway:1/);
  } finally {
    copy.remove();
  }
});

it("when the web Service is port-forwarded, then the page loads in Chromium, signs up, signs in and a draw shows items", async () => {
  // the page's Vite dev server proxies the API to the gateway and /auth to auth inside the cluster: one forward
  const web = await portForward(ns, "svc/web", 80);
  try {
    const r = await run("bash", ["scripts/e2e-web.sh"], {
      env: { WEB_BASE_URL: web.url, WEB_SCREENSHOT: path.join(os.tmpdir(), `gacha-ct-web-${ns}.png`) },
      timeoutMs: 5 * 60_000,
    });
    // eslint-disable-next-line no-control-regex -- Vitest colours its summary
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
    if (r.code !== 0) throw new Error(`web e2e failed through ${web.url}:\n${out.slice(-6000)}`);
    expect(out).not.toMatch(/skipped/i);
    expect(out).toMatch(/Tests\s+\d+ passed \(\d+\)/);
  } finally {
    await web.close();
  }
});

it("when each overlay is applied with --dry-run=server, then the API server accepts every object", async () => {
  for (const overlay of ["dev", "debug", "prod"]) {
    const rendered = await run(
      process.env.KUSTOMIZE || "kubectl",
      process.env.KUSTOMIZE ? ["build", `k8s/overlays/${overlay}`] : ["kustomize", `k8s/overlays/${overlay}`],
    );
    expect(rendered.code).toBe(0);
    const r = await kubectl(["apply", "-n", ns, "--dry-run=server", "-f", "-"], {
      input: rendered.stdout,
      timeoutMs: 120_000,
    });
    if (r.code !== 0) throw new Error(`${overlay}: server-side dry-run rejected:\n${r.stderr}`);
    expect(r.stdout).toMatch(/deployment\.apps\/gateway (created|configured|unchanged) \(server dry run\)/);
  }
});

it("when `skaffold delete` runs, then nothing the pipeline created is left in the namespace", async () => {
  const r = await skaffold(["delete", "-n", ns], { timeoutMs: 5 * 60_000 });
  expectSucceeded(r);
  await eventually(
    async () => {
      const left = await kubectlOk([
        "-n",
        ns,
        "get",
        "deployments,statefulsets,services,configmaps,secrets,jobs,ingresses,serviceaccounts,pods",
        "-l",
        "app.kubernetes.io/part-of=gacha-platform",
        "-o",
        "name",
      ]);
      expect(left.trim()).toBe("");
    },
    120_000,
    2_000,
  );
});
