// Container tier, debugging an upstream: the whole dev system run as the debug
// overlay says (every service under nodemon with the inspector on 9229, the
// gateway's upstream deadline 10 minutes), MariaDB and the migrations as in dev.
// A debugger pauses gacha at a breakpoint inside GetHistories; the gateway's
// request waits there past the dev overlay's deadline (where it would be a 504)
// and completes once the debugger resumes: README, "a request survives your breakpoint".
import { CdpSession, inspectorTargets, locate } from "./support/inspector";
import { buildMariadbImage, buildServiceImage, publishedPort, SERVICES, sleep, waitFor } from "./support/podman";
import { startDevSystem, type RunningSystem } from "./support/system";
import { find, podSpec, render, type Container } from "../../k8s/test/support/repo";

let system: RunningSystem | undefined;

beforeAll(async () => {
  await buildMariadbImage();
  for (const svc of SERVICES) await buildServiceImage(svc, "dev");
  system = await startDevSystem("dev", {}, undefined, "debug");
}, 900_000);

afterAll(async () => {
  await system?.scope.cleanup();
}, 60_000);

/** GRPC_DEADLINE_MS of the gateway container in an overlay. */
const gatewayDeadlineMs = (overlay: "dev" | "debug") => {
  const c = (podSpec(find(render(overlay), "Deployment", "gateway")).containers as Container[]).find(
    (x) => x.name === "gateway",
  )!;
  return Number(c.env!.find((e) => e.name === "GRPC_DEADLINE_MS")!.value);
};

interface Paused {
  hitBreakpoints?: string[];
  callFrames: { callFrameId: string; url: string }[];
}

it("when gacha is paused at a breakpoint longer than the dev deadline, then the gateway's request completes after resume", async () => {
  const devDeadlineMs = gatewayDeadlineMs("dev");
  expect(gatewayDeadlineMs("debug")).toBeGreaterThan(10 * devDeadlineMs); // what the overlay promises

  const devtools = `127.0.0.1:${await publishedPort(system!.containers.gacha, 9229)}`;
  const [target] = await waitFor(
    "gacha's inspector target",
    () => inspectorTargets(devtools).then((t) => t?.length === 1 && t),
    30_000,
    100,
  );
  const cdp = await CdpSession.connect(target!.webSocketDebuggerUrl);
  try {
    // Where GetHistories starts (tsx keeps the statement; the line comes from the served source).
    // Listening before enable: the scripts already loaded are announced while it runs.
    const parsed = cdp.event<{ scriptId: string; url: string }>("Debugger.scriptParsed", (s) =>
      /\/src\/get-histories\.ts$/.test(s.url),
    );
    await cdp.send("Debugger.enable");
    const script = await parsed;
    const { scriptSource } = await cdp.send<{ scriptSource: string }>("Debugger.getScriptSource", {
      scriptId: script.scriptId,
    });
    // tsx serves the module on one line (whitespace stripped), calling the import as
    // `(0, import_runtime.validateUserId)(req.userId)`: the breakpoint goes on that call's column.
    const { line, column } = locate(scriptSource, /validateUserId\)?\(req\.userId\)/);
    const bp = await cdp.send<{ breakpointId: string; locations: unknown[] }>("Debugger.setBreakpointByUrl", {
      urlRegex: "/src/get-histories\\.ts$",
      lineNumber: line,
      columnNumber: column,
    });
    expect(bp.locations).toHaveLength(1);

    const paused = cdp.event<Paused>("Debugger.paused");
    const sentAt = Date.now();
    let settled = false;
    const response = fetch(`http://${system!.addr.gateway}/histories/1`, {
      signal: AbortSignal.timeout(devDeadlineMs + 60_000),
    }).finally(() => (settled = true));
    const at = await Promise.race([
      paused,
      response.then((r) => {
        throw new Error(`the gateway answered ${r.status} and gacha never paused`);
      }),
    ]);
    expect(at.hitBreakpoints).toEqual([bp.breakpointId]);

    // Stay paused past the deadline the dev overlay would give this call (the point of the test),
    // proving on the way that gacha is still stopped in this call's frame.
    await sleep(devDeadlineMs + 1_000);
    const { result } = await cdp.send<{ result: { value: unknown } }>("Debugger.evaluateOnCallFrame", {
      callFrameId: at.callFrames[0]!.callFrameId,
      expression: "String(req.userId)",
      returnByValue: true,
    });
    expect(result.value).toBe("1");
    expect(settled).toBe(false);

    await cdp.send("Debugger.removeBreakpoint", { breakpointId: bp.breakpointId });
    await cdp.send("Debugger.resume");
    const res = await response;
    const elapsedMs = Date.now() - sentAt;
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { histories: [], next_cursor: null },
    });
    expect(elapsedMs).toBeGreaterThan(devDeadlineMs);
    console.log(
      `paused gacha: the gateway's request completed after ${elapsedMs} ms (dev deadline ${devDeadlineMs} ms)`,
    );
  } finally {
    cdp.close();
  }
}, 120_000);
