// Container tier, debugging: the gateway dev image run as k8s/overlays/debug says
// (nodemon with `node --inspect=0.0.0.0:9229 … --import=tsx src/main.ts`), the
// inspector published on 127.0.0.1 as `skaffold dev -p debug` port-forwards it.
// A client attaches over the DevTools protocol as VS Code / Chrome DevTools do,
// pauses a request on a breakpoint, resumes it, and attaches again after a
// synced save made nodemon restart the app. Everything is removed in afterAll.
import { EDITS, waitForMarker } from "./support/edits";
import { CdpSession, inspectorTargets, locate, type InspectorTarget } from "./support/inspector";
import { containerRun, podmanFlags } from "./support/manifests";
import {
  buildServiceImage,
  imageInfo,
  imageName,
  logsOf,
  podmanRaw,
  publishedPort,
  Scope,
  waitFor,
} from "./support/podman";
import { syncDestination, syncInto } from "./support/sync";
import { find, podSpec, renderDir, type Container } from "../../k8s/test/support/repo";

const scope = new Scope();
let ctr = "";
let http = "";
let devtools = "";
let user = "";
let workdir = "";

beforeAll(async () => {
  await buildServiceImage("gateway", "dev");
  ({ user, workdir } = await imageInfo(imageName("gateway", "dev")));
  const network = await scope.network();
  // the debug overlay's container: command/args, env, user, FS; its ports published on 127.0.0.1
  const run = containerRun("debug", "Deployment", "gateway", "gateway");
  const ports = (
    podSpec(find(renderDir("k8s/overlays/debug"), "Deployment", "gateway")).containers as Container[]
  ).find((c) => c.name === "gateway")!.ports as { name?: string; containerPort: number }[];
  ctr = scope.name("gateway-debug");
  const r = await scope.run(ctr, [
    "--network",
    network,
    "--network-alias",
    "gateway",
    ...ports.flatMap((p) => ["--publish", `127.0.0.1::${p.containerPort}`]),
    ...podmanFlags(run),
    imageName("gateway", "dev"),
    ...(run.args ?? []),
  ]);
  if (r.code !== 0) throw new Error(`starting the debug gateway failed: ${r.stderr}`);
  http = `127.0.0.1:${await publishedPort(ctr, ports.find((p) => p.name !== "devtools")!.containerPort)}`;
  devtools = `127.0.0.1:${await publishedPort(ctr, 9229)}`;
  // /healthz needs no upstream: the gateway's gRPC channels connect lazily
  await waitFor(
    "debug gateway /healthz 200",
    async () => (await fetch(`http://${http}/healthz`, { signal: AbortSignal.timeout(1_000) })).status === 200,
    60_000,
    200,
  ).catch(async (e: Error) => {
    throw new Error(`${e.message}\n--- gateway log\n${await logsOf(ctr)}`);
  });
}, 600_000);

afterAll(async () => {
  await scope.cleanup();
}, 60_000);

const oneTarget = async (): Promise<InspectorTarget> => {
  const targets = await waitFor(
    "the inspector's /json/list",
    () => inspectorTargets(devtools).then((t) => t?.length === 1 && t),
    20_000,
    100,
  );
  return targets[0]!;
};

interface ScriptParsed {
  scriptId: string;
  url: string;
  sourceMapURL?: string;
}
interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}
interface Paused {
  reason: string;
  hitBreakpoints?: string[];
  callFrames: { callFrameId: string; url: string; location: Location }[];
}

it("when the debug overlay's container runs, then its devtools port is 9229 and no probe can kill a process paused at a breakpoint", () => {
  const c = (podSpec(find(renderDir("k8s/overlays/debug"), "Deployment", "gateway")).containers as Container[]).find(
    (x) => x.name === "gateway",
  )!;
  expect(c.ports).toEqual(expect.arrayContaining([expect.objectContaining({ name: "devtools", containerPort: 9229 })]));
  expect({ liveness: c.livenessProbe, startup: c.startupProbe }).toEqual({ liveness: undefined, startup: undefined });
});

it("when a client attaches over the inspector's WebSocket and sets a breakpoint in the /healthz handler, then a request pauses there and completes after resume", async () => {
  const target = await oneTarget();
  expect(target.webSocketDebuggerUrl).toMatch(new RegExp(`^ws://${devtools.replace(/\./g, "\\.")}/`));
  const cdp = await CdpSession.connect(target.webSocketDebuggerUrl);
  try {
    const parsed = cdp.event<ScriptParsed>("Debugger.scriptParsed", (s) => /\/src\/routes\/health\.ts$/.test(s.url));
    await cdp.send("Debugger.enable");
    const script = await parsed;
    // tsx serves the transpiled module with an inline source map: what lets an editor map lines back
    expect(script.sourceMapURL).toMatch(/^data:application\/json/);
    // a breakpoint where the handler answers, at its place in the code V8 runs (tsx strips the
    // whitespace; an editor finds the place through the source map, this test by the statement)
    const { scriptSource } = await cdp.send<{ scriptSource: string }>("Debugger.getScriptSource", {
      scriptId: script.scriptId,
    });
    const { line, column } = locate(scriptSource, /res\.json\(\{\s*status:\s*"ok"\s*\}\)/);
    const bp = await cdp.send<{ breakpointId: string; locations: Location[] }>("Debugger.setBreakpointByUrl", {
      urlRegex: "/src/routes/health\\.ts$",
      lineNumber: line,
      columnNumber: column,
    });
    expect(bp.locations).toHaveLength(1);

    const paused = cdp.event<Paused>("Debugger.paused");
    let settled = false;
    const response = fetch(`http://${http}/healthz`, { signal: AbortSignal.timeout(20_000) }).finally(
      () => (settled = true),
    );
    const at = await paused;
    // paused in health.ts's script, where V8 placed the breakpoint (the statement's call position)
    const top = at.callFrames[0]!;
    expect({ hit: at.hitBreakpoints, location: top.location }).toEqual({
      hit: [bp.breakpointId],
      location: bp.locations[0],
    });
    expect(top.location).toMatchObject({ scriptId: script.scriptId, lineNumber: line });
    expect(top.location.columnNumber! - column).toBeLessThan(20);
    // Still paused in this very request (its frame answers), and the client has no response yet.
    const { result } = await cdp.send<{ result: { value: unknown } }>("Debugger.evaluateOnCallFrame", {
      callFrameId: top.callFrameId,
      expression: "_req.url",
      returnByValue: true,
    });
    expect(result.value).toBe("/healthz");
    expect(settled).toBe(false);
    await cdp.send("Debugger.resume");
    const res = await response;
    expect(res.status).toBe(200);
    await cdp.send("Debugger.removeBreakpoint", { breakpointId: bp.breakpointId });
  } finally {
    cdp.close();
  }
}, 60_000);

it("when a save is synced and nodemon restarts the app, then a new inspector target answers on the same port and accepts a debugger", async () => {
  const before = await oneTarget();
  const edit = EDITS.gateway;
  const dest = syncDestination("gateway", edit.file, workdir)!;
  const cat = (await podmanRaw(["exec", ctr, "cat", dest], { timeoutMs: 10_000 })).stdout;
  expect(cat).toContain('res.json({ status: "ok" })');
  const marker = `dbg${Date.now().toString(36)}`;
  try {
    await syncInto(ctr, user, [{ dest, content: edit.apply(cat, marker) }]);
    await waitForMarker(edit, http, marker, Date.now(), 30_000);
    const after = await waitFor(
      "a new inspector target",
      () => inspectorTargets(devtools).then((t) => t?.length === 1 && t[0]!.id !== before.id && t[0]),
      20_000,
      100,
    );
    const cdp = await CdpSession.connect(after.webSocketDebuggerUrl);
    try {
      const r = await cdp.send<{ result: { value: unknown } }>("Runtime.evaluate", {
        expression: "process.pid > 0",
        returnByValue: true,
      });
      expect(r.result.value).toBe(true);
    } finally {
      cdp.close();
    }
  } finally {
    await syncInto(ctr, user, [{ dest, content: cat }]);
    await waitForMarker(edit, http, "", Date.now(), 30_000);
  }
}, 90_000);
