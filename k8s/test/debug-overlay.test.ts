// The debug overlay and profile (skaffold dev -p debug, skaffold debug): every app
// container runs nodemon with the Node inspector on 9229, nothing kills a process
// paused at a breakpoint, and the inspectors reach localhost 9229/9230/9231/9232, where
// .vscode/launch.json attaches. Everything else is exactly the dev overlay.
import { isDeepStrictEqual } from "node:util";
import { containerPath, targetLayout } from "./support/dockerfile";
import {
  Container,
  find,
  K8sObject,
  pipeline,
  PortForward,
  podSpec,
  readRepoFile,
  render,
  ServiceName,
  serviceDockerfile,
  SERVICES,
  skaffoldConfig,
} from "./support/repo";

const INSPECT = "--inspect=0.0.0.0:9229";
const LOCAL_PORTS: Record<ServiceName, number> = { gateway: 9229, gacha: 9230, item: 9231, auth: 9232 };
/**
 * Debug-only variables, per service: the gateway's upstream deadline outlives a
 * breakpoint. gacha and item have none: a paused item only delays grants (the
 * outbox relay retries them), and nothing waits on a paused gacha but the gateway.
 * auth has none: a gateway whose JWKS fetch times out on a paused auth keeps its cached keys.
 */
const DEBUG_ENV: Record<ServiceName, Record<string, string>> = {
  gateway: { GRPC_DEADLINE_MS: "600000" },
  gacha: {},
  item: {},
  auth: {},
};

const nodemonExec = (svc: string): string => JSON.parse(readRepoFile(`services/${svc}/nodemon.json`)).exec;
const appContainer = (objects: K8sObject[], svc: string): Container =>
  podSpec(find(objects, "Deployment", svc)).containers.find((c: Container) => c.name === svc);

interface DebugProfile {
  name: string;
  activation?: { command?: string; env?: string; kubeContext?: string }[];
  build?: unknown;
  deploy?: unknown;
  manifests?: { kustomize?: { paths?: string[] } };
  portForward?: PortForward[];
}
const debugProfile = (): DebugProfile => {
  const p = (skaffoldConfig().profiles ?? []).find((x) => x.name === "debug");
  if (!p) throw new Error("skaffold.yaml has no debug profile");
  return p as DebugProfile;
};

describe.each([...SERVICES])("the debug overlay's %s container", (svc) => {
  it("when nodemon.json's exec is read, then it is `node ... --require=tsx/cjs src/main.ts` without an inspector", () => {
    const exec = nodemonExec(svc);
    expect(exec).toMatch(/^node .*--require=tsx\/cjs .*src\/main\.ts$/);
    // `--require tsx/cjs` (space) makes Skaffold's node wrapper take `tsx/cjs` for the script
    expect(exec).not.toMatch(/--(require|import)\s/);
    expect(exec).not.toContain("--inspect");
  });

  it("when rendered, then it runs nodemon with `exec` + nodemon.json's exec plus --inspect=0.0.0.0:9229 right after `node`", () => {
    const c = appContainer(render("debug"), svc);
    expect(c.command).toEqual(["nodemon"]);
    // `exec`: the shell nodemon runs --exec in becomes node, so nodemon waits for node's own
    // exit (and its release of 9229) before it starts the next one
    expect(c.args).toEqual(["--exec", nodemonExec(svc).replace(/^node /, `exec node ${INSPECT} `)]);
  });

  it("when rendered, then it exposes containerPort 9229 named devtools next to its service port", () => {
    const c = appContainer(render("debug"), svc);
    expect(c.ports).toContainEqual({ name: "devtools", containerPort: 9229 });
    expect(c.ports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: svc === "gateway" || svc === "auth" ? "http" : "grpc" }),
      ]),
    );
  });

  it("when paused at a breakpoint, then no liveness or startup probe can kill it (readiness stays)", () => {
    const c = appContainer(render("debug"), svc);
    expect(c.livenessProbe).toBeUndefined();
    expect(c.startupProbe).toBeUndefined();
    expect(c.readinessProbe).toEqual(appContainer(render("dev"), svc).readinessProbe);
  });

  it("when a request waits on a paused upstream, then the env is dev's with exactly the debug-only variables set over it", () => {
    const envOf = (overlay: "dev" | "debug") =>
      Object.fromEntries((appContainer(render(overlay), svc).env ?? []).map((e) => [e.name, e]));
    const debugOnly = Object.fromEntries(
      Object.entries(DEBUG_ENV[svc]).map(([name, value]) => [name, { name, value }]),
    );
    expect(envOf("debug")).toEqual({ ...envOf("dev"), ...debugOnly });
  });

  it("when VS Code maps a breakpoint, then remoteRoot /app + the repo path is where the dev image has the source", () => {
    const layout = targetLayout(serviceDockerfile(svc), "dev");
    expect(containerPath(layout, `services/${svc}/src/main.ts`)).toBe(`/app/services/${svc}/src/main.ts`);
    expect(layout.workdir).toBe(`/app/services/${svc}`); // nodemon's `src/main.ts` is relative to it
  });
});

describe("the debug overlay as a whole", () => {
  /** The dev object with what the debug overlay may change taken out of its app containers. */
  const comparable = (o: K8sObject): K8sObject => {
    const copy: K8sObject = JSON.parse(JSON.stringify(o));
    if (copy.kind !== "Deployment" || !(SERVICES as readonly string[]).includes(copy.metadata.name)) return copy;
    const c = podSpec(copy).containers.find((x: Container) => x.name === copy.metadata.name);
    const debugEnv = Object.keys(DEBUG_ENV[copy.metadata.name as ServiceName]);
    delete c.command;
    delete c.args;
    delete c.startupProbe;
    c.ports = (c.ports ?? []).filter((p: { name?: string }) => p.name !== "devtools");
    c.env = (c.env ?? []).filter((e: { name: string }) => !debugEnv.includes(e.name));
    return copy;
  };

  it("when rendered, then it is the dev overlay except the app containers' command, args, devtools port, startup probe and debug env", () => {
    const dev = render("dev");
    const debug = render("debug");
    expect(debug.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      dev.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    const differing = debug
      .filter((o) => !isDeepStrictEqual(comparable(o), comparable(find(dev, o.kind, o.metadata.name))))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(differing).toEqual([]);
  });

  it("when dev or prod is rendered, then no container opens an inspector or a 9229 port", () => {
    for (const overlay of ["dev", "prod"] as const) {
      const text = JSON.stringify(render(overlay));
      expect({ overlay, inspect: text.includes("--inspect") }).toEqual({ overlay, inspect: false });
      expect({ overlay, port9229: text.includes('"containerPort":9229') }).toEqual({ overlay, port9229: false });
    }
  });
});

describe("the debug profile in skaffold.yaml", () => {
  it("when `skaffold debug` or `-p debug` runs, then the profile activates and deploys k8s/overlays/debug", () => {
    const p = debugProfile();
    expect(p.activation).toContainEqual({ command: "debug" });
    expect(p.manifests?.kustomize?.paths).toEqual(["k8s/overlays/debug"]);
  });

  it("when it builds and deploys, then it uses the default pipeline (dev targets with file sync, kubectl)", () => {
    const p = debugProfile();
    expect(p.build).toBeUndefined();
    expect(p.deploy).toBeUndefined();
    const artifacts = pipeline(skaffoldConfig(), "debug").build?.artifacts ?? [];
    for (const a of artifacts)
      expect({ image: a.image, target: a.docker?.target, synced: !!a.sync?.manual?.length }).toEqual({
        image: a.image,
        target: "dev",
        synced: true,
      });
  });

  it("when it port-forwards, then it forwards everything the default pipeline does plus each inspector to 9229/9230/9231/9232", () => {
    const forwards = debugProfile().portForward ?? [];
    const defaults = pipeline(skaffoldConfig()).portForward ?? [];
    expect(forwards.slice(0, defaults.length)).toEqual(defaults);
    const inspectors = forwards.slice(defaults.length);
    expect(inspectors).toEqual(
      SERVICES.map((svc) => ({
        resourceType: "deployment",
        resourceName: svc,
        port: 9229,
        localPort: LOCAL_PORTS[svc],
      })).sort((a, b) => a.localPort - b.localPort),
    );
    const debug = render("debug");
    for (const f of inspectors)
      expect(appContainer(debug, f.resourceName).ports).toContainEqual({ name: "devtools", containerPort: f.port });
  });
});

describe(".vscode/launch.json", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const launch = (): { configurations: any[]; compounds?: { name: string; configurations: string[] }[] } =>
    JSON.parse(readRepoFile(".vscode/launch.json"));

  it("when VS Code attaches, then there is one node attach configuration per service on the profile's local port", () => {
    const configs = launch().configurations;
    expect(configs).toHaveLength(SERVICES.length);
    for (const svc of SERVICES) {
      const c = configs.find((x) => x.port === LOCAL_PORTS[svc]);
      expect(c).toMatchObject({
        type: "node",
        request: "attach",
        address: "localhost",
        localRoot: "${workspaceFolder}",
        remoteRoot: "/app",
        // nodemon restarts the process (new inspector) on every synced save
        restart: true,
      });
      expect(c.name).toContain(svc);
      expect(c.skipFiles).toEqual(expect.arrayContaining(["<node_internals>/**", "**/node_modules/**"]));
    }
  });

  it("when `Attach to all` is started, then the compound attaches every configuration", () => {
    const all = (launch().compounds ?? []).find((c) => /attach to all/i.test(c.name));
    expect(all?.configurations.slice().sort()).toEqual(
      launch()
        .configurations.map((c) => c.name)
        .sort(),
    );
  });
});
