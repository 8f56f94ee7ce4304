// Container tier, dev images. Builds the dev targets from the real Dockerfiles
// (context = repo root), runs them as k8s/overlays/dev says (env, user, FS, Secret
// volumes, migrations) on a podman network whose DNS names are the Service names, runs
// the e2e suite against the gateway and auth containers, and checks what only a container
// shows: the images' users and sync folders, the npm ci layer shared by the four
// builds, span export to Jaeger's Service name, and nodemon grouping a two-file
// tar into one restart. Sync after a save, crash-edits, the debugger and web HMR
// are proven by the real `skaffold dev` in the cluster tier (test/cluster/), so
// their podman stand-ins are gone. Everything started is removed in afterAll.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EDITS, waitForMarker } from "./support/edits";
import {
  ALL_SERVICES,
  buildMariadbImage,
  buildServiceImage,
  imageInfo,
  imageName,
  podmanRaw,
  repoRoot,
  SERVICES,
  waitFor,
  type AnyService,
  type BuildReport,
  type Service,
} from "./support/podman";
import { artifact, syncDestination, syncInto } from "./support/sync";
import { decodeTraceExport } from "./support/otlp-stand-in";
import { signUp, startDevSystem, type RunningSystem } from "./support/system";
import { globMatch } from "../../k8s/test/support/glob";
import { repoFiles } from "../../k8s/test/support/repo";

const builds: BuildReport[] = [];
let system: RunningSystem | undefined;
const user: Partial<Record<AnyService, string>> = {};
const workdir: Partial<Record<AnyService, string>> = {};

beforeAll(async () => {
  builds.push(await buildMariadbImage());
  // gacha first: item, auth and gateway must then take the whole deps stage (npm ci) from the cache
  for (const svc of ALL_SERVICES) builds.push(await buildServiceImage(svc, "dev"));
  for (const svc of ALL_SERVICES) {
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

const execIn = (svc: AnyService, args: string[], asUser = user[svc]!) =>
  podmanRaw(["exec", "-u", asUser, system!.containers[svc], ...args], { timeoutMs: 20_000 });

it("when the four dev images are built from the repo root, then item, auth and gateway reuse gacha's deps stage (npm ci runs once)", () => {
  const byImage = Object.fromEntries(builds.map((b) => [b.image, b]));
  for (const svc of ["item", "auth", "gateway"] as const)
    expect({ svc, npmCiCached: byImage[imageName(svc, "dev")]!.npmCiCached }).toEqual({ svc, npmCiCached: true });
});

it("when the dev images are inspected, then each runs as 1000:1000 in /app/services/<svc>, the user and folder the dev overlay and skaffold sync expect", () => {
  for (const svc of ALL_SERVICES)
    expect({ svc, user: user[svc], workdir: workdir[svc] }).toEqual({
      svc,
      user: "1000:1000",
      workdir: `/app/services/${svc}`,
    });
});

it("when the dev system runs with the dev overlay's environment, then the e2e suite passes against the gateway container, signed in at the auth container", async () => {
  const result = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      "npx",
      ["jest", "--config", "jest.e2e.config.js", "--ci"],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          E2E_BASE_URL: `http://${system!.addr.gateway}`,
          E2E_AUTH_URL: `http://${system!.addr.auth}`,
        },
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

it("when a user signs up and draws through the dev system, then every dev image exports its spans as protobuf to Jaeger's Service name", async () => {
  // A caller's traceparent makes the trace id known (auth's spans: the sign-up and sign-in
  // carry it too); the exporters batch (5 s by default).
  const traceId = randomBytes(16);
  const traceparent = `00-${traceId.toString("hex")}-${randomBytes(8).toString("hex")}-01`;
  const me = await signUp(system!.addr.auth, { traceparent });
  const res = await fetch(`http://${system!.addr.gateway}/draw`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: me.authorization, traceparent },
    body: JSON.stringify({ count: 1 }),
    signal: AbortSignal.timeout(15_000),
  });
  expect(res.status).toBe(200);
  expect(system!.otlp.serviceAddr).toBe("jaeger:4318");
  const exporters = new Set<string>();
  await waitFor(
    "spans of the sign-in and the draw from auth, gateway, gacha and item",
    async () => {
      for (const e of await system!.otlp.received())
        if (e.contentType === "application/x-protobuf")
          for (const r of decodeTraceExport(e.body))
            if (r.traceIds.includes(traceId.toString("hex"))) exporters.add(r.service);
      return ALL_SERVICES.every((svc) => exporters.has(svc));
    },
    30_000,
    500,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; got spans of the trace from: ${[...exporters].join(", ") || "none"}`);
  });
  expect([...exporters].sort()).toEqual([...ALL_SERVICES].sort());
}, 60_000);

it("when skaffold would sync, then tar exists in every dev image and every synced folder is writable by the container user", async () => {
  const problems: string[] = [];
  for (const svc of ALL_SERVICES) {
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
  for (const svc of ALL_SERVICES) {
    const rebuilds = [
      `services/${svc}/package.json`,
      "package.json",
      "package-lock.json",
      `services/${svc}/nodemon.json`,
      "services/node.Dockerfile",
      "proto/gacha/v1/gacha.proto",
      "prisma/gacha/schema.prisma",
    ];
    expect({ svc, synced: rebuilds.filter((f) => syncDestination(svc, f) !== undefined) }).toEqual({ svc, synced: [] });
  }
  for (const svc of SERVICES) {
    // and the edited file does match, which is what the next cases rely on
    expect(syncDestination(svc, EDITS[svc].file, workdir[svc])).toBe(`/app/${EDITS[svc].file}`);
    expect((artifact(svc).sync?.manual ?? []).some((r) => globMatch(r.src, EDITS[svc].file))).toBe(true);
  }
});

/** nodemon's line for each restart after a file change. */
const RESTARTING = "restarting due to changes";
const countInLog = async (svc: Service, what: string) =>
  (await podmanRaw(["logs", system!.containers[svc]])).stdout.split(what).length - 1;

it("when skaffold syncs two changed files in one tar, then the service restarts after the last one is written and serves both (one restart when nodemon's delay groups them)", async () => {
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
  // nodemon's 20 ms delay groups the tar's two file events into one restart when it sees them
  // within it; on a loaded machine it may see them apart and restart twice. Either way the process
  // serving now must have started after both files were written (tar `m`: mtime = write time).
  const restarts = (await countInLog(svc, RESTARTING)) - before;
  const written = Math.max(
    ...(await Promise.all(
      files.map(async (f) => Number((await execIn(svc, ["stat", "-c", "%.3Y", f])).stdout) * 1000),
    )),
  );
  const restartTimes = (await podmanRaw(["logs", "--timestamps", ctr])).stdout
    .split("\n")
    .filter((line) => line.includes(RESTARTING))
    .map((line) => Date.parse(line.slice(0, line.indexOf(" "))));
  console.log(`two files in one tar: ${restarts} restart(s)`);
  expect(restarts === 1 || restarts === 2).toBe(true);
  expect(restartTimes.at(-1)!).toBeGreaterThanOrEqual(Math.floor(written));
  await syncInto(
    ctr,
    user[svc]!,
    files.map((dest, i) => ({ dest, content: originals[i]! })),
  );
  await waitForMarker(edit, addr, "", Date.now(), 30_000);
}, 90_000);
