// The dev system as `skaffold dev` deploys it (k8s/overlays/dev), on podman:
// one network whose DNS aliases are the Service names (mysql, gacha, item,
// auth, gateway), so the rendered URLs work verbatim; MySQL-compatible storage
// initialised by the overlay's init script; the migration Jobs and the
// wait-for-schema init containers; then the four dev Deployments' containers.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { find, podSpec, render, type K8sObject, type Overlay } from "../../../k8s/test/support/repo";
import { configMapFiles, containerRun, podmanFlags, type ContainerRun } from "./manifests";
import { startOtlpStandIn, type OtlpStandIn } from "./otlp-stand-in";
import {
  ALL_SERVICES,
  imageName,
  logsOf,
  MARIADB_IMAGE,
  podmanRaw,
  publishedPort,
  Scope,
  waitFor,
  type AnyService,
  type Target,
} from "./podman";

/** The services with a database: each has a migration Job and a wait-for-schema init container. */
const DB_SERVICES = ["gacha", "item", "auth"] as const;

export interface RunningSystem {
  scope: Scope;
  network: string;
  /** container name per Deployment */
  containers: Record<AnyService, string>;
  /** 127.0.0.1:<port> per Deployment's first container port */
  addr: Record<AnyService, string>;
  mysql: string;
  /** Stand-in for Jaeger's OTLP receiver, where the dev overlay's services export their spans. */
  otlp: OtlpStandIn;
  timings: Record<string, number>;
  logs(): Promise<string>;
}

/** The app container's ports, its service port first (the debug overlay adds `devtools` to the list). */
const containerPorts = (svc: AnyService, overlay: Overlay = "dev"): number[] => {
  const spec = podSpec(find(render(overlay), "Deployment", svc));
  const ports: { name?: string; containerPort: number }[] = spec.containers.find(
    (c: { name: string }) => c.name === svc,
  ).ports;
  return [...ports.filter((p) => p.name !== "devtools"), ...ports.filter((p) => p.name === "devtools")].map(
    (p) => p.containerPort,
  );
};

/** MariaDB stand-in for StatefulSet/mysql: its env, args, user and init scripts from the dev render. */
export async function startMysql(scope: Scope, network: string): Promise<string> {
  const run = containerRun("dev", "StatefulSet", "mysql", "mysql");
  const initdb = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-initdb-"));
  scope.onCleanup(() => fs.rmSync(initdb, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(configMapFiles("dev", "mysql-initdb")))
    fs.writeFileSync(path.join(initdb, name), text, { mode: 0o755 });
  fs.chmodSync(initdb, 0o755);
  const name = scope.name("mysql");
  const r = await scope.run(name, [
    "--network",
    network,
    "--network-alias",
    "mysql",
    ...podmanFlags(run),
    // the PVC: a tmpfs owned by the container user (fresh database every run)
    "--tmpfs",
    "/var/lib/mysql:rw,U,size=1g",
    "--volume",
    `${initdb}:/docker-entrypoint-initdb.d:ro`,
    MARIADB_IMAGE,
    ...(run.args ?? []),
  ]);
  if (r.code !== 0) throw new Error(`starting mysql failed: ${r.stderr}`);
  // the StatefulSet's startupProbe, verbatim
  const probe = podSpec(find(render("dev"), "StatefulSet", "mysql")).containers[0].startupProbe.exec
    .command as string[];
  await waitFor(
    "mysql startupProbe",
    async () => (await podmanRaw(["exec", name, ...probe], { timeoutMs: 5_000 })).code === 0,
    60_000,
    200,
  ).catch(async (e: Error) => {
    throw new Error(`${e.message}\n--- mysql log\n${await logsOf(name)}`);
  });
  return name;
}

/** `--volume` flags for a ContainerRun's Secret volumes: the files in a temp folder (removed with the scope), mounted read-only. */
function secretVolumeFlags(scope: Scope, run: ContainerRun): string[] {
  return run.secretVolumes.flatMap((v) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-secret-"));
    scope.onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(v.files)) fs.writeFileSync(path.join(dir, name), text, { mode: v.mode });
    // root-owned like the kubelet's; the folder must be searchable by the container user
    fs.chmodSync(dir, 0o755);
    return ["--volume", `${dir}:${v.mountPath}:ro`];
  });
}

/** Runs a Job's (or init container's) container to completion, as the kubelet would: same image, env, command, args, user, FS. */
export async function runToCompletion(
  scope: Scope,
  network: string,
  image: string,
  where: { overlay?: Overlay; kind: string; workload: string; container: string; init?: boolean; extra?: K8sObject[] },
): Promise<string> {
  const run = containerRun(
    where.overlay ?? "dev",
    where.kind,
    where.workload,
    where.container,
    where.init ?? false,
    where.extra,
  );
  const flags = [...podmanFlags(run), ...secretVolumeFlags(scope, run)];
  const restarts = jobRestarts(where);
  for (let attempt = 0; ; attempt++) {
    const name = scope.name(`${where.workload}-${where.container}${attempt ? `-r${attempt}` : ""}`);
    const r = await scope.run(name, ["--network", network, ...flags, image, ...(run.args ?? [])], {
      wait: true,
      timeoutMs: 120_000,
    });
    if (r.code === 0) return r.stdout + r.stderr;
    const failure = `${where.kind}/${where.workload} ${where.container} exited ${r.code}:\n${r.stdout}${r.stderr}`;
    if (attempt >= restarts) throw new Error(failure);
    // kept visible: a restart that hides a failure on every run would show here
    console.warn(`${failure}\nrestarting it (${attempt + 1} of ${restarts}), as the Job's restartPolicy says`);
    await new Promise((r) => setTimeout(r, JOB_RESTART_DELAY_MS));
  }
}

/** At most this many restarts of a failed Job container here (the manifests allow 8, with the kubelet's 10 s+ backoff). */
const MAX_JOB_RESTARTS = 2;
const JOB_RESTART_DELAY_MS = 2_000;

/**
 * How often the kubelet would restart a Job's failed container: a Job with
 * `restartPolicy: OnFailure` is restarted in place up to `backoffLimit` times
 * (the migration Jobs: 8), so one transient failure does not fail the deploy.
 * Twice in CI a migration connected to MariaDB in its wait step and then timed
 * out opening its next connection (10 s, as the three Jobs joined the podman
 * network at once); the kubelet would have restarted it. Capped at MAX_JOB_RESTARTS.
 */
function jobRestarts(where: {
  overlay?: Overlay;
  kind: string;
  workload: string;
  init?: boolean;
  extra?: K8sObject[];
}) {
  if (where.kind !== "Job" || where.init) return 0;
  const job = find([...render(where.overlay ?? "dev"), ...(where.extra ?? [])], "Job", where.workload);
  if (podSpec(job)?.restartPolicy !== "OnFailure") return 0;
  return Math.min(job.spec.backoffLimit ?? 6, MAX_JOB_RESTARTS);
}

/** The names of the Services that select a Deployment's pods (e.g. gacha and its headless twin gacha-headless). */
function serviceNames(overlay: Overlay, svc: AnyService, extra?: K8sObject[]): string[] {
  const objects = [...render(overlay), ...(extra ?? [])];
  const labels: Record<string, string> = find(objects, "Deployment", svc).spec.template.metadata.labels;
  return objects
    .filter((o) => o.kind === "Service" && o.spec?.selector)
    .filter((o) => Object.entries(o.spec.selector as Record<string, string>).every(([k, v]) => labels[k] === v))
    .map((o) => o.metadata.name as string);
}

/** Starts a Deployment's container (detached) with the names of its Services as DNS aliases and its ports published on 127.0.0.1 (addr: the first). */
export async function startService(
  scope: Scope,
  network: string,
  svc: AnyService,
  image: string,
  opts: { overlay?: Overlay; extra?: K8sObject[]; env?: Record<string, string>; args?: string[] } = {},
): Promise<{ name: string; addr: string; run: ContainerRun }> {
  const overlay = opts.overlay ?? "dev";
  const run = containerRun(overlay, "Deployment", svc, svc, false, opts.extra);
  run.env = { ...run.env, ...(opts.env ?? {}) };
  const name = scope.name(svc);
  const ports = containerPorts(svc, overlay);
  const port = ports[0]!;
  const r = await scope.run(name, [
    "--network",
    network,
    ...serviceNames(overlay, svc, opts.extra).flatMap((alias) => ["--network-alias", alias]),
    ...ports.flatMap((p) => ["--publish", `127.0.0.1::${p}`]),
    ...podmanFlags(run),
    ...secretVolumeFlags(scope, run),
    image,
    ...(opts.args ?? run.args ?? []),
  ]);
  if (r.code !== 0) throw new Error(`starting ${svc} failed: ${r.stderr}`);
  return { name, addr: `127.0.0.1:${await publishedPort(name, port)}`, run };
}

/**
 * Starts the dev system (the services as `overlay` runs them: dev, or debug with the
 * inspectors); on any failure everything started so far is removed before rethrowing.
 */
export async function startDevSystem(
  target: Target = "dev",
  envOverrides: Record<string, string> = {},
  argsOverride?: string[],
  overlay: Overlay = "dev",
): Promise<RunningSystem> {
  const scope = new Scope();
  const timings: Record<string, number> = {};
  const t = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      timings[label] = Date.now() - t0;
    }
  };
  const containers = {} as Record<AnyService, string>;
  const addr = {} as Record<AnyService, string>;
  try {
    const network = await t("network", () => scope.network());
    const mysql = await t("mysql ready", () => startMysql(scope, network));
    const otlp = await t("OTLP receiver", () => startOtlpStandIn(scope, network, imageName("gateway", target)));
    await t("migration Jobs", () =>
      Promise.all(
        DB_SERVICES.map((svc) =>
          runToCompletion(scope, network, imageName(svc, target), {
            kind: "Job",
            workload: `${svc}-migrate`,
            container: "migrate",
          }),
        ),
      ),
    );
    await t("wait-for-schema init containers", () =>
      Promise.all(
        DB_SERVICES.map((svc) =>
          runToCompletion(scope, network, imageName(svc, target), {
            kind: "Deployment",
            workload: svc,
            container: "wait-for-schema",
            init: true,
          }),
        ),
      ),
    );
    await t("services started", async () => {
      for (const svc of ALL_SERVICES) {
        const started = await startService(scope, network, svc, imageName(svc, target), {
          overlay,
          env: envOverrides,
          ...(argsOverride ? { args: argsOverride } : {}),
        });
        containers[svc] = started.name;
        addr[svc] = started.addr;
      }
    });
    const system: RunningSystem = {
      scope,
      network,
      containers,
      addr,
      mysql,
      otlp,
      timings,
      logs: async () => {
        let out = "";
        for (const svc of ALL_SERVICES)
          if (containers[svc]) out += `\n--- ${svc} log (tail)\n${await logsOf(containers[svc])}`;
        return out;
      },
    };
    // the two HTTP services: auth ready means its database answers, gateway ready its upstreams
    for (const svc of ["auth", "gateway"] as const)
      await t(`${svc} /readyz 200`, () =>
        waitFor(
          `${svc} /readyz 200`,
          async () =>
            (await fetch(`http://${addr[svc]}/readyz`, { signal: AbortSignal.timeout(2_000) })).status === 200,
          120_000,
          250,
        ).catch(async (e: Error) => {
          throw new Error(`${e.message}${await system.logs()}`);
        }),
      );
    return system;
  } catch (err) {
    await scope.cleanup();
    throw err;
  }
}

/**
 * Signs a new user up and in at auth (`authAddr`: 127.0.0.1:<port>), as every caller of the
 * gateway's API must first; returns the user id and the `authorization` header to send.
 */
export async function signUp(
  authAddr: string,
  headers: Record<string, string> = {},
): Promise<{ id: number; authorization: string }> {
  const credentials = JSON.stringify({
    username: `ct_${randomBytes(6).toString("hex")}`,
    password: randomBytes(12).toString("hex"),
  });
  const post = (route: string) =>
    fetch(`http://${authAddr}${route}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: credentials,
      signal: AbortSignal.timeout(10_000),
    });
  const registered = await post("/auth/register");
  if (registered.status !== 201) throw new Error(`sign-up answered ${registered.status}: ${await registered.text()}`);
  const login = await post("/auth/login");
  if (login.status !== 200) throw new Error(`sign-in answered ${login.status}: ${await login.text()}`);
  const { user_id } = (await registered.json()) as { user_id: number };
  const { access_token } = (await login.json()) as { access_token: string };
  return { id: user_id, authorization: `Bearer ${access_token}` };
}
