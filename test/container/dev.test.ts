// Container tier, dev images: what `skaffold dev` does to a pod, for real.
// Builds the dev targets from the real Dockerfiles (context = repo root), runs
// them as k8s/overlays/dev says (env, user, FS, migrations) on a podman network
// whose DNS names are the Service names, runs the e2e suite against the gateway
// container, then syncs edited .ts files as skaffold would and checks nodemon
// serves them. Everything started is removed in afterAll.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EDITS, waitForMarker } from "./support/edits";
import {
  buildMariadbImage,
  buildServiceImage,
  imageInfo,
  imageName,
  podmanRaw,
  repoRoot,
  SERVICES,
  waitFor,
  type BuildReport,
  type Service,
} from "./support/podman";
import { artifact, syncDestination, syncInto } from "./support/sync";
import { decodeTraceExport } from "./support/otlp-stand-in";
import { startDevSystem, type RunningSystem } from "./support/system";
import { globMatch } from "../../k8s/test/support/glob";
import { find, podSpec, render, repoFiles, type Container } from "../../k8s/test/support/repo";

const builds: BuildReport[] = [];
let system: RunningSystem | undefined;
const user: Partial<Record<Service, string>> = {};
const workdir: Partial<Record<Service, string>> = {};

beforeAll(async () => {
  builds.push(await buildMariadbImage());
  // gacha first: item and gateway must then take the whole deps stage (npm ci) from the cache
  for (const svc of SERVICES) builds.push(await buildServiceImage(svc, "dev"));
  for (const svc of SERVICES) {
    const info = await imageInfo(imageName(svc, "dev"));
    user[svc] = info.user;
    workdir[svc] = info.workdir;
  }
  system = await startDevSystem("dev");
  console.log(
    `container tier (dev): builds ${builds.map((b) => `${b.image} ${(b.ms / 1000).toFixed(1)}s`).join(", ")}; ` +
      `start ${Object.entries(system.timings)
        .map(([k, v]) => `${k} ${v}ms`)
        .join(", ")}`,
  );
}, 900_000);

afterAll(async () => {
  await system?.scope.cleanup();
}, 120_000);

const execIn = (svc: Service, args: string[], asUser = user[svc]!) =>
  podmanRaw(["exec", "-u", asUser, system!.containers[svc], ...args], { timeoutMs: 20_000 });

it("when the three dev images are built from the repo root, then item and gateway reuse gacha's deps stage (npm ci runs once)", () => {
  const byImage = Object.fromEntries(builds.map((b) => [b.image, b]));
  expect(byImage[imageName("item", "dev")]!.npmCiCached).toBe(true);
  expect(byImage[imageName("gateway", "dev")]!.npmCiCached).toBe(true);
});

it("when the dev images are inspected, then each runs as 1000:1000 in /app/services/<svc>, the user and folder the dev overlay and skaffold sync expect", () => {
  for (const svc of SERVICES)
    expect({ svc, user: user[svc], workdir: workdir[svc] }).toEqual({
      svc,
      user: "1000:1000",
      workdir: `/app/services/${svc}`,
    });
});

it("when the dev system runs with the dev overlay's environment, then the e2e suite passes against the gateway container", async () => {
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      "npx",
      ["jest", "--config", "jest.e2e.config.js", "--ci"],
      {
        cwd: repoRoot,
        env: { ...process.env, E2E_BASE_URL: `http://${system!.addr.gateway}` },
        timeout: 240_000,
        killSignal: "SIGKILL",
        maxBuffer: 32 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
  if (result.code !== 0)
    throw new Error(
      `e2e suite failed against the gateway container:\n${result.out.slice(-8000)}${await system!.logs()}`,
    );
  expect(result.out).toMatch(/Tests:\s+\d+ passed/);
}, 300_000);

it("when a draw goes through the dev system, then every dev image exports its spans as protobuf to Jaeger's Service name", async () => {
  // A caller's traceparent makes the trace id known; the exporters batch (5 s by default).
  const traceId = randomBytes(16);
  const res = await fetch(`http://${system!.addr.gateway}/draw`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      traceparent: `00-${traceId.toString("hex")}-${randomBytes(8).toString("hex")}-01`,
    },
    body: JSON.stringify({ user_id: 4318, count: 1 }),
    signal: AbortSignal.timeout(15_000),
  });
  expect(res.status).toBe(200);
  expect(system!.otlp.serviceAddr).toBe("jaeger:4318");
  const exporters = new Set<string>();
  await waitFor(
    "spans of the draw from gateway, gacha and item",
    async () => {
      for (const e of await system!.otlp.received())
        if (e.contentType === "application/x-protobuf")
          for (const r of decodeTraceExport(e.body))
            if (r.traceIds.includes(traceId.toString("hex"))) exporters.add(r.service);
      return SERVICES.every((svc) => exporters.has(svc));
    },
    30_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; got spans of the draw from: ${[...exporters].join(", ") || "none"}`);
  });
  expect([...exporters].sort()).toEqual([...SERVICES].sort());
}, 60_000);

it("when skaffold would sync, then tar exists in every dev image and every synced folder is writable by the container user", async () => {
  const problems: string[] = [];
  for (const svc of SERVICES) {
    if ((await execIn(svc, ["sh", "-c", "command -v tar"])).code !== 0) problems.push(`${svc}: no tar on PATH`);
    const dirs = new Set<string>();
    for (const file of repoFiles()) {
      const dest = syncDestination(svc, file, workdir[svc]);
      if (dest && !/(^|\/)(generated|gen|test|e2e)\//.test(file)) dirs.add(dest.slice(0, dest.lastIndexOf("/")));
    }
    expect(dirs.size).toBeGreaterThan(3);
    for (const dir of dirs) {
      const r = await execIn(svc, ["sh", "-c", 'test -d "$1" && test -w "$1"', "sh", dir]);
      if (r.code !== 0) problems.push(`${svc}: ${dir} is not a folder writable by ${user[svc]}`);
    }
  }
  expect(problems).toEqual([]);
}, 120_000);

it("when a manifest, the Dockerfile, a .proto or a Prisma schema changes, then no sync rule matches it (skaffold rebuilds instead)", () => {
  for (const svc of SERVICES) {
    const rebuilds = [
      `services/${svc}/package.json`,
      "package.json",
      "package-lock.json",
      `services/${svc}/nodemon.json`,
      `services/${svc}/Dockerfile`,
      "proto/gacha/v1/gacha.proto",
      "prisma/gacha/schema.prisma",
    ];
    expect({ svc, synced: rebuilds.filter((f) => syncDestination(svc, f) !== undefined) }).toEqual({ svc, synced: [] });
    // and the edited file does match, which is what the next cases rely on
    expect(syncDestination(svc, EDITS[svc].file, workdir[svc])).toBe(`/app/${EDITS[svc].file}`);
    expect((artifact(svc).sync?.manual ?? []).some((r) => globMatch(r.src, EDITS[svc].file))).toBe(true);
  }
});

/** nodemon's line for each restart after a file change. */
const RESTARTING = "restarting due to changes";
const countInLog = async (svc: Service, what: string) =>
  (await podmanRaw(["logs", system!.containers[svc]])).stdout.split(what).length - 1;

describe.each([...SERVICES])("hot reload of %s", (svc) => {
  it("when an edited .ts file is synced as skaffold does, then nodemon restarts it with the new code, and syncing the original restores the old behaviour", async () => {
    const edit = EDITS[svc];
    const addr = system!.addr[svc];
    const dest = syncDestination(svc, edit.file, workdir[svc])!;
    // the file as built into the image (the working tree may have moved on since)
    const cat = await execIn(svc, ["cat", dest]);
    expect(cat.code).toBe(0);
    const original = cat.stdout;
    expect(await edit.probe(addr)).toBe("");
    const restartsBefore = await countInLog(svc, RESTARTING);

    const marker = `ct${Date.now().toString(36)}`;
    const t0 = Date.now();
    await syncInto(system!.containers[svc], user[svc]!, [{ dest, content: edit.apply(original, marker) }]);
    const ms = await waitForMarker(edit, addr, marker, t0, 30_000);
    const owner = await execIn(svc, ["stat", "-c", "%u:%g", dest]);
    expect(owner.stdout.trim()).toBe(user[svc]);

    await syncInto(system!.containers[svc], user[svc]!, [{ dest, content: original }]);
    await waitForMarker(edit, addr, "", Date.now(), 30_000);
    expect((await execIn(svc, ["cat", dest])).stdout).toBe(original);
    const restarts = await countInLog(svc, RESTARTING);
    expect(restarts - restartsBefore).toBeGreaterThanOrEqual(2);
    console.log(`${svc}: synced ${edit.file} -> ${dest}; new behaviour served after ${ms} ms`);
  }, 90_000);
});

it("when skaffold syncs two changed files in one tar, then nodemon restarts the service once (its delay groups them)", async () => {
  const svc: Service = "gacha";
  const edit = EDITS[svc];
  const addr = system!.addr[svc];
  const ctr = system!.containers[svc];
  const files = [edit.file, "services/gacha/src/cursor.ts"].map((f) => syncDestination(svc, f, workdir[svc])!);
  const originals = await Promise.all(files.map(async (dest) => (await execIn(svc, ["cat", dest])).stdout));
  const before = await countInLog(svc, RESTARTING);
  const marker = `two${Date.now().toString(36)}`;
  await syncInto(ctr, user[svc]!, [
    { dest: files[0]!, content: edit.apply(originals[0]!, marker) },
    { dest: files[1]!, content: `${originals[1]!}\n// touched by the two-file sync test\n` },
  ]);
  await waitForMarker(edit, addr, marker, Date.now(), 30_000);
  // No wait needed: a second restart for this tar would come within nodemon's delay (20 ms) of the
  // first file event, and its line before the app had even started, let alone served the marker.
  expect((await countInLog(svc, RESTARTING)) - before).toBe(1);
  await syncInto(
    ctr,
    user[svc]!,
    files.map((dest, i) => ({ dest, content: originals[i]! })),
  );
  await waitForMarker(edit, addr, "", Date.now(), 30_000);
}, 90_000);

// A save that crashes the app (syntax error, throw at import) must not cost the edits synced
// before it: skaffold never re-syncs after a container restart (skaffold#6924), so only a
// container that keeps running keeps them. In dev nothing restarts it: nodemon outlives the
// crash, and the dev overlay has no liveness probe that would make the kubelet restart it.
const CRASHES: Partial<Record<Service, { file: string; break: (src: string) => string; kind: string }>> = {
  gateway: {
    file: "services/gateway/src/routes/inventories.ts",
    break: (src) => `${src}\nexport const = ;\n`,
    kind: "a syntax error",
  },
  gacha: {
    file: "services/gacha/src/cursor.ts",
    break: (src) => `${src}\nthrow new Error("crash-edit at import");\n`,
    kind: "a throw at import",
  },
};

const containerState = async (svc: Service) => {
  const out = await podmanRaw([
    "inspect",
    "--format",
    "{{.State.StartedAt}}|{{.RestartCount}}|{{.State.Running}}",
    system!.containers[svc],
  ]);
  return out.stdout.trim();
};

describe.each(Object.keys(CRASHES) as Service[])("crash-edit of %s", (svc) => {
  it("when an edit is synced, then one that crashes the app, then a fix, then the container was never restarted and serves the fix with the first edit still in place", async () => {
    const crash = CRASHES[svc]!;
    const edit = EDITS[svc];
    const addr = system!.addr[svc];
    const ctr = system!.containers[svc];
    const editDest = syncDestination(svc, edit.file, workdir[svc])!;
    const crashDest = syncDestination(svc, crash.file, workdir[svc])!;
    expect(crashDest).toBeDefined();
    // the kubelet would restart the container on a failing liveness probe; dev has none
    const deployment = podSpec(find(render("dev"), "Deployment", svc));
    expect(deployment.containers.find((c: Container) => c.name === svc)?.livenessProbe).toBeUndefined();

    const editOriginal = (await execIn(svc, ["cat", editDest])).stdout;
    const crashOriginal = (await execIn(svc, ["cat", crashDest])).stdout;
    const stateBefore = await containerState(svc);
    expect(stateBefore).toMatch(/\|true$/);
    const crashesBefore = await countInLog(svc, "app crashed - waiting for file changes");
    try {
      const marker = `crash${Date.now().toString(36)}`;
      await syncInto(ctr, user[svc]!, [{ dest: editDest, content: edit.apply(editOriginal, marker) }]);
      await waitForMarker(edit, addr, marker, Date.now(), 30_000);

      await syncInto(ctr, user[svc]!, [{ dest: crashDest, content: crash.break(crashOriginal) }]);
      await waitFor(
        `nodemon reports that ${svc} crashed (${crash.kind})`,
        async () => (await countInLog(svc, "app crashed - waiting for file changes")) > crashesBefore,
        30_000,
        200,
      );
      expect(await edit.probe(addr)).toBeUndefined(); // nothing serves
      expect(await containerState(svc)).toBe(stateBefore); // nodemon (PID 1) is still up, nothing restarted

      await syncInto(ctr, user[svc]!, [{ dest: crashDest, content: crashOriginal }]);
      // the fixed code serves, and with the first edit's behaviour: that file was not lost
      await waitForMarker(edit, addr, marker, Date.now(), 30_000);
      expect((await execIn(svc, ["cat", editDest])).stdout).toBe(edit.apply(editOriginal, marker));
      expect(await containerState(svc)).toBe(stateBefore);
    } finally {
      await syncInto(ctr, user[svc]!, [
        { dest: crashDest, content: crashOriginal },
        { dest: editDest, content: editOriginal },
      ]);
      await waitForMarker(edit, addr, "", Date.now(), 30_000);
    }
  }, 120_000);
});

it("when the reloads are done, then the system still serves: /readyz is 200", async () => {
  const res = await fetch(`http://${system!.addr.gateway}/readyz`, { signal: AbortSignal.timeout(5_000) });
  expect(res.status).toBe(200);
});
