// `skaffold dev` with the real watcher and the real sync (`kubectl exec … tar`),
// in a copy of the repository (the checkout under test is never edited), into a
// namespace of its own. What README "Run on minikube" promises after a save:
// a .ts edit is served without a rebuild or redeploy, a crash-edit and its fix
// never restart the container, an editor's temp file does nothing, a
// package.json change rebuilds and redeploys, a web edit reaches the page by HMR.
import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { EDITS, waitForMarker } from "../container/support/edits";
import { launchChromium } from "../container/support/web";
import { createNamespace, deleteNamespace, repoCopy } from "./support/cluster";
import { background, kubeContext, kubectlJson, kubectlOk, type Background } from "./support/run";

type Svc = "gateway" | "gacha" | "item" | "auth";
const SERVICES: Svc[] = ["gateway", "gacha", "item", "auth"];
const REMOTE_PORT: Record<Svc | "web", number> = { gateway: 8080, gacha: 50051, item: 50052, auth: 8081, web: 80 };

let ns: string;
let copy: ReturnType<typeof repoCopy>;
let dev: Background;
const local: Partial<Record<Svc | "web", string>> = {}; // host:port of skaffold's port-forwards

const read = (f: string) => fs.readFileSync(path.join(copy.dir, f), "utf8");
const write = (f: string, s: string) => fs.writeFileSync(path.join(copy.dir, f), s);

interface PodState {
  name: string;
  restarts: number;
  startedAt: string;
}
async function appPod(svc: Svc | "web"): Promise<PodState> {
  const { items } = await kubectlJson(["-n", ns, "get", "pods", "-l", `app.kubernetes.io/name=${svc}`]);
  const running = items.filter((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
  if (running.length !== 1) throw new Error(`${svc}: ${running.length} running pods`);
  const c = running[0]!.status!.containerStatuses!.find((s) => s.name === svc)!;
  return { name: running[0]!.metadata.name, restarts: c.restartCount, startedAt: c.state.running!.startedAt };
}

beforeAll(async () => {
  ns = await createNamespace("dev");
  copy = repoCopy();
  // as the README says: from the repository root, so skaffold.env's 100 ms quiet period applies
  dev = background("skaffold", ["dev", "-n", ns, ...(kubeContext ? [`--kube-context=${kubeContext}`] : [])], {
    cwd: copy.dir,
  });
  await dev.waitFor(/Press Ctrl\+C to exit/, 20 * 60_000);
  // e.g. "Port forwarding service/gateway in namespace x, remote port 8080 -> http://127.0.0.1:8080"
  for (const svc of [...SERVICES, "web"] as const) {
    const m = await dev.waitFor(
      new RegExp(
        `Port forwarding service/${svc} in namespace ${ns}, remote port ${REMOTE_PORT[svc]} -> \\S*?127\\.0\\.0\\.1:(\\d+)`,
      ),
      60_000,
    );
    local[svc] = `127.0.0.1:${m[1]}`;
  }
}, 25 * 60_000);

afterAll(async () => {
  const code = await dev?.stop("SIGINT");
  if (code !== 0 && dev) console.log(`skaffold dev exited ${code}:\n${dev.output().slice(-3000)}`);
  copy?.remove();
  if (ns) await deleteNamespace(ns);
}, 5 * 60_000);

describe.each(SERVICES)("%s", (svc) => {
  it("when its README port-forward is read, then skaffold forwards the Service to a local port", () => {
    expect(local[svc]).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it("when a .ts file under its src/ is saved, then skaffold syncs it and the same pod serves the new code (no rebuild, no redeploy, no container restart)", async () => {
    const edit = EDITS[svc];
    const before = await appPod(svc);
    const original = read(edit.file);
    const marker = `ct-${svc}-${Date.now().toString(36)}`;
    const from = dev.output().length;
    const t0 = Date.now();
    write(edit.file, edit.apply(original, marker));
    const ms = await waitForMarker(edit, local[svc]!, marker, t0, 60_000, 100);
    console.log(`cluster tier: ${svc} save -> served in ${ms} ms (skaffold dev, real sync)`);
    const out = dev.output().slice(from);
    expect(out).toMatch(new RegExp(`Syncing 1 files? for \\S*${svc}`));
    expect(out).not.toMatch(/Building \[|Starting deploy/);
    const after = await appPod(svc);
    expect(after).toEqual(before);
    // restore, and see the original behaviour come back the same way
    write(edit.file, original);
    await waitForMarker(edit, local[svc]!, "", Date.now(), 60_000, 100);
  });
});

it("when a packages/ source is saved, then every service gets it by sync and restarts in place", async () => {
  const file = "packages/runtime/src/api-limits.ts";
  const original = read(file);
  const before = await Promise.all(SERVICES.map(appPod));
  const from = dev.output().length;
  write(file, `${original}\n// cluster tier edit ${Date.now()}\n`);
  for (const svc of SERVICES) await dev.waitFor(new RegExp(`Syncing 1 files? for \\S*${svc}`), 60_000, from);
  // each service answers again after its restart, from the same pod
  for (const svc of SERVICES) await waitForMarker(EDITS[svc], local[svc]!, "", Date.now(), 60_000, 100);
  expect(dev.output().slice(from)).not.toMatch(/Building \[|Starting deploy/);
  expect(await Promise.all(SERVICES.map(appPod))).toEqual(before);
  write(file, original);
  for (const svc of SERVICES) await dev.waitFor(new RegExp(`Syncing 1 files? for \\S*${svc}`), 60_000, from + 1);
});

it("when a crash-edit is synced and then fixed, then the container was never restarted and the earlier edit is still in place", async () => {
  const svc: Svc = "gateway";
  const edit = EDITS[svc];
  const before = await appPod(svc);
  const original = read(edit.file);
  const first = `ct-first-${Date.now().toString(36)}`;
  write(edit.file, edit.apply(original, first));
  await waitForMarker(edit, local[svc]!, first, Date.now(), 60_000, 100);

  // a second file, crashing at import: nodemon reports the crash and waits for changes
  const crashFile = "services/gateway/src/routes/metrics.ts";
  const crashOriginal = read(crashFile);
  const from = dev.output().length;
  write(crashFile, `throw new Error("cluster tier crash-edit");\n${crashOriginal}`);
  try {
    await dev.waitFor(/app crashed - waiting for file changes/, 60_000, from);
    expect(await edit.probe(local[svc]!)).toBeUndefined();
  } finally {
    // fixed even when the above fails: a crashing file left in the copy would be built into the
    // gateway's image by the rebuild test below, which would then wait for a pod that never starts
    write(crashFile, crashOriginal);
  }
  await waitForMarker(edit, local[svc]!, first, Date.now(), 60_000, 100);
  expect(await appPod(svc)).toEqual(before);
  // the first edit's file in the container is the one saved before the crash
  const inPod = await kubectlOk(["-n", ns, "exec", before.name, "-c", svc, "--", "cat", `/app/${edit.file}`]);
  expect(inPod).toBe(edit.apply(original, first));
  write(edit.file, original);
  await waitForMarker(edit, local[svc]!, "", Date.now(), 60_000, 100);
});

it("when an editor writes its temp files next to a source, then skaffold neither syncs nor rebuilds", async () => {
  const dir = "services/item/src";
  const from = dev.output().length;
  const temps = [".get-inventory.ts.swp", "4913", "get-inventory.ts~", ".#get-inventory.ts"];
  for (const t of temps) fs.writeFileSync(path.join(copy.dir, dir, t), "editor temp\n");
  for (const t of temps) fs.rmSync(path.join(copy.dir, dir, t));
  // several quiet periods (100 ms) and a watch cycle later: nothing happened
  await new Promise((r) => setTimeout(r, 5_000));
  expect(dev.output().slice(from)).not.toMatch(/Syncing|Building \[|Starting deploy|Generating tags/);
});

describe("web", () => {
  let browser: Browser | undefined;
  afterAll(async () => browser?.close());

  it("when a component under services/web/src is saved, then the page open through the port-forward shows it by HMR, without a reload", async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    let navigations = 0;
    page.on("framenavigated", (f) => {
      if (f === page.mainFrame()) navigations++;
    });
    await page.goto(`http://${local.web}`, { waitUntil: "networkidle" });
    // signed up through Vite's /auth proxy to the auth Service: the drawing view is for signed-in users,
    // and an HMR update keeps that state (a reload would forget the in-memory token)
    await page.getByLabel("Username").fill(`ct_hmr_${Date.now().toString(36)}`);
    await page.getByLabel("Password").fill("a long enough password");
    await page.getByRole("button", { name: "Sign up" }).click();
    await page.getByText("Nothing drawn yet.").waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1_500); // Vite's optimizer may reload once on a first visit
    await page.evaluate(() => ((globalThis as unknown as { __marker: number }).__marker = 1));
    const navigationsBefore = navigations;

    const file = "services/web/src/components/DrawnItems.tsx";
    const original = read(file);
    const marker = `Nothing drawn yet (cluster ${Date.now().toString(36)}).`;
    const before = await appPod("web");
    write(file, original.replace("Nothing drawn yet.", marker));
    try {
      await page.getByText(marker).waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => (globalThis as unknown as { __marker?: number }).__marker)).toBe(1);
      expect(navigations).toBe(navigationsBefore);
      expect(await appPod("web")).toEqual(before);
    } finally {
      write(file, original);
    }
  });
});

// Last: it rebuilds and redeploys every image, twice (the change, then its revert).
it(
  "when a service's package.json changes, then skaffold rebuilds and redeploys it",
  async () => {
    const file = "services/item/package.json";
    const before = await appPod("item");
    const original = read(file);
    const pkg = JSON.parse(original);
    const from = dev.output().length;
    write(file, `${JSON.stringify({ ...pkg, description: `cluster tier ${Date.now()}` }, null, 2)}\n`);
    try {
      // Skaffold builds the artifacts one at a time, item after gacha
      await dev.waitFor(/Building \[item\]/, 15 * 60_000, from);
      await dev.waitFor(/Watching for changes/, 15 * 60_000, dev.output().indexOf("Building [item]", from));
      const after = await appPod("item");
      expect(after.name).not.toBe(before.name);
      // (the other images rebuild too: each one's npm ci stage copies every workspace's package.json)
    } finally {
      write(file, original);
    }
    await dev.waitFor(/Watching for changes/, 15 * 60_000, dev.output().length);
  },
  20 * 60_000,
);
