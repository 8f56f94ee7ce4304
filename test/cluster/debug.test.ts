// Debugging on a real cluster (README "Run on minikube"; docs/kubernetes.md,
// Debugging): under `skaffold dev -p debug`, the Node inspector of gateway, gacha,
// item and auth answers on localhost 9229, 9230, 9231 and 9232 through Skaffold's own
// port-forward; a breakpoint in a handler pauses a request, and resuming
// completes it, even past the gateway's normal deadline; after a synced save
// restarts the app, a debugger attaches again on the same local port (what VS
// Code's `restart: true` in .vscode/launch.json relies on).
// Plain `skaffold debug` is not run here: its Node transform adds an init container
// from Skaffold's helper image (gcr.io/k8s-skaffold/skaffold-debug-support/nodejs),
// which can neither be pulled nor built from the package registries on this
// project's machines (docs/cluster.md, "What it cannot prove").
import fs from "node:fs";
import path from "node:path";
import { EDITS, waitForMarker } from "../container/support/edits";
import { CdpSession, inspectorTargets, locate, type InspectorTarget } from "../container/support/inspector";
import { signUpAndIn, type SignedIn } from "./support/auth";
import { createNamespace, deleteNamespace, repoCopy } from "./support/cluster";
import { background, eventually, kubeContext, type Background } from "./support/run";

const INSPECTOR_PORT = { gateway: 9229, gacha: 9230, item: 9231, auth: 9232 } as const;
type Svc = keyof typeof INSPECTOR_PORT;

interface Location {
  scriptId: string;
  lineNumber: number;
  columnNumber?: number;
}

/** The one inspector target at `hostPort` (nodemon runs one app process), once it answers. */
async function oneTarget(hostPort: string, not?: InspectorTarget): Promise<InspectorTarget> {
  return eventually(async () => {
    const t = await inspectorTargets(hostPort);
    if (t?.length !== 1 || t[0]!.id === not?.id) throw new Error(`inspector at ${hostPort}: ${JSON.stringify(t)}`);
    return t[0]!;
  }, 60_000);
}

/**
 * Attaches to the inspector at `hostPort`, sets a breakpoint at `code` in the
 * script whose URL matches `file`, starts `request`, checks that it waits at
 * the breakpoint for `holdMs`, resumes, and returns the request's result.
 */
async function pauseAndResume<T>(
  hostPort: string,
  file: RegExp,
  code: RegExp,
  request: () => Promise<T>,
  holdMs: number,
) {
  const target = await oneTarget(hostPort);
  const cdp = await CdpSession.connect(target.webSocketDebuggerUrl);
  try {
    const parsed = cdp.event<{ scriptId: string; url: string }>("Debugger.scriptParsed", (s) => file.test(s.url));
    await cdp.send("Debugger.enable");
    const script = await parsed;
    const { scriptSource } = await cdp.send<{ scriptSource: string }>("Debugger.getScriptSource", {
      scriptId: script.scriptId,
    });
    const { line, column } = locate(scriptSource, code);
    const bp = await cdp.send<{ breakpointId: string; locations: Location[] }>("Debugger.setBreakpointByUrl", {
      urlRegex: file.source,
      lineNumber: line,
      columnNumber: column,
    });
    expect(bp.locations).toHaveLength(1);
    const paused = cdp.event<{ hitBreakpoints?: string[] }>("Debugger.paused");
    let settled = false;
    const result = request().finally(() => (settled = true));
    expect((await paused).hitBreakpoints).toEqual([bp.breakpointId]);
    await new Promise((r) => setTimeout(r, holdMs));
    expect(settled).toBe(false); // still waiting at the breakpoint
    await cdp.send("Debugger.removeBreakpoint", { breakpointId: bp.breakpointId });
    await cdp.send("Debugger.resume");
    return await result;
  } finally {
    cdp.close();
  }
}

describe("skaffold dev -p debug", () => {
  const command = ["dev", "-p", "debug"];
  let ns: string;
  let copy: ReturnType<typeof repoCopy>;
  let proc: Background;
  let gatewayHttp = "";
  let user: SignedIn;

  beforeAll(async () => {
    ns = await createNamespace("debug");
    copy = repoCopy();
    proc = background("skaffold", [...command, "-n", ns, ...(kubeContext ? [`--kube-context=${kubeContext}`] : [])], {
      cwd: copy.dir,
    });
    await proc.waitFor(/Press Ctrl\+C to exit/, 20 * 60_000);
    const m = await proc.waitFor(
      new RegExp(`Port forwarding service/gateway in namespace ${ns}, remote port 8080 -> \\S*?127\\.0\\.0\\.1:(\\d+)`),
      60_000,
    );
    gatewayHttp = `127.0.0.1:${m[1]}`;
    const a = await proc.waitFor(
      new RegExp(`Port forwarding service/auth in namespace ${ns}, remote port 8081 -> \\S*?127\\.0\\.0\\.1:(\\d+)`),
      60_000,
    );
    user = await eventually(() => signUpAndIn(`http://127.0.0.1:${a[1]}`), 60_000);
  }, 25 * 60_000);

  afterAll(async () => {
    await proc?.stop("SIGINT");
    copy?.remove();
    if (ns) await deleteNamespace(ns);
  }, 5 * 60_000);

  it.each(Object.entries(INSPECTOR_PORT))(
    "when skaffold forwards %s's inspector, then it is on localhost:%d and answers /json/list",
    async (svc, port) => {
      await proc.waitFor(
        new RegExp(
          `Port forwarding deployment/${svc} in namespace ${ns}, remote port 9229 -> \\S*?127\\.0\\.0\\.1:${port}\\b`,
        ),
        60_000,
      );
      const targets = await eventually(async () => {
        const t = await inspectorTargets(`127.0.0.1:${port}`);
        if (!t?.length) throw new Error(`no inspector target on ${port}`);
        return t;
      }, 60_000);
      expect(targets[0]!.webSocketDebuggerUrl).toMatch(/^ws:\/\//);
    },
  );

  it("when a breakpoint is set in the gateway's /healthz handler, then a request pauses there and completes after resume", async () => {
    const res = await pauseAndResume(
      `127.0.0.1:${INSPECTOR_PORT.gateway}`,
      /\/src\/routes\/health\.ts$/,
      /res\.json\(\{\s*status:\s*"ok"\s*\}\)/,
      () => fetch(`http://${gatewayHttp}/healthz`, { signal: AbortSignal.timeout(60_000) }),
      1_000,
    );
    expect(res.status).toBe(200);
  });

  it("when gacha is paused at a breakpoint longer than the gateway's normal 3 s deadline, then the request through the gateway still completes after resume", async () => {
    const svc: Svc = "gacha";
    const res = await pauseAndResume(
      `127.0.0.1:${INSPECTOR_PORT[svc]}`,
      /\/src\/get-histories\.ts$/,
      // tsx compiles the import to `(0, import_runtime.validateUserId)(req.userId)`
      /validateUserId\)?\(req\.userId\)/,
      () =>
        fetch(`http://${gatewayHttp}/histories/${user.userId}?limit=1`, {
          headers: { authorization: user.bearer },
          signal: AbortSignal.timeout(120_000),
        }),
      5_000,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ histories: expect.any(Array), next_cursor: null });
  });

  it("when a save is synced and nodemon restarts the gateway, then a new inspector target answers on localhost:9229 and a debugger attaches", async () => {
    const hostPort = `127.0.0.1:${INSPECTOR_PORT.gateway}`;
    const before = await oneTarget(hostPort);
    const edit = EDITS.gateway;
    const file = path.join(copy.dir, edit.file);
    const original = fs.readFileSync(file, "utf8");
    const marker = `dbg${Date.now().toString(36)}`;
    const from = proc.output().length;
    try {
      fs.writeFileSync(file, edit.apply(original, marker));
      await waitForMarker(edit, gatewayHttp, marker, Date.now(), 60_000, 100);
      const after = await oneTarget(hostPort, before).catch((e: Error) => {
        // Skaffold's own lines only, not the pods' logs it streams ("[gateway] ...")
        const skaffoldLines = proc
          .output()
          .slice(from)
          .split("\n")
          .filter((l) => !/^\[[\w-]+\]/.test(l));
        throw new Error(`${e.message}\n--- skaffold dev since the save:\n${skaffoldLines.join("\n").slice(-4000)}`);
      });
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
      fs.writeFileSync(file, original);
      await waitForMarker(edit, gatewayHttp, "", Date.now(), 60_000, 100);
    }
  });
});
