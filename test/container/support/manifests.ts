// What the rendered overlays say a container runs with: env (secretKeyRef and
// configMapKeyRef resolved from the rendered Secrets/ConfigMaps), command/args,
// user, working dir, read-only root FS, emptyDir and Secret volume mounts. Turned into podman flags.
import {
  find,
  podSpec,
  render,
  renderDir,
  type Container,
  type K8sObject,
  type Overlay,
} from "../../../k8s/test/support/repo";

/** The overlays under k8s/overlays: dev and prod, and debug (dev with the Node inspector on). */
export type AnyOverlay = Overlay | "debug";

export interface ContainerRun {
  env: Record<string, string>;
  command?: string[];
  args?: string[];
  workingDir?: string;
  user?: string;
  readOnly: boolean;
  tmpfs: string[];
  /** Secret volumes: the Secret's keys as files with the volume's defaultMode, mounted read-only */
  secretVolumes: { mountPath: string; files: Record<string, string>; mode: number }[];
  memory?: string;
}

function dataOf(
  objects: K8sObject[],
  kind: "Secret" | "ConfigMap",
  ref: { name: string; key: string; optional?: boolean },
): string | undefined {
  const { name, key } = ref;
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  // optional: true (e.g. prod's operator-provided `telemetry` ConfigMap): the kubelet leaves the variable unset
  if (!o && ref.optional) return undefined;
  if (!o)
    throw new Error(`${kind} ${name} is referenced but not in the rendered manifests (nor in the given extra objects)`);
  if (kind === "ConfigMap") {
    const v = o.data?.[key];
    if (v === undefined && !ref.optional) throw new Error(`ConfigMap ${name} has no key ${key}`);
    return v;
  }
  if (o.stringData?.[key] !== undefined) return o.stringData[key];
  const b64 = o.data?.[key];
  if (b64 === undefined) throw new Error(`Secret ${name} has no key ${key}`);
  return Buffer.from(b64, "base64").toString("utf8");
}

/** Every key of a Secret, decoded, as the kubelet writes them into a Secret volume. */
function secretFiles(objects: K8sObject[], name: string): Record<string, string> {
  const o = objects.find((x) => x.kind === "Secret" && x.metadata.name === name);
  if (!o)
    throw new Error(`Secret ${name} is mounted but not in the rendered manifests (nor in the given extra objects)`);
  const files: Record<string, string> = { ...(o.stringData ?? {}) };
  for (const [key, b64] of Object.entries((o.data ?? {}) as Record<string, string>))
    files[key] = Buffer.from(b64, "base64").toString("utf8");
  return files;
}

/** A container's environment exactly as the kubelet would set it from the rendered objects. */
export function resolveEnv(objects: K8sObject[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of c.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined) value = e.value;
    else if (e.valueFrom?.secretKeyRef) value = dataOf(objects, "Secret", e.valueFrom.secretKeyRef);
    else if (e.valueFrom?.configMapKeyRef) value = dataOf(objects, "ConfigMap", e.valueFrom.configMapKeyRef);
    else throw new Error(`env ${e.name} of ${c.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
    if (value !== undefined) env[e.name] = value;
  }
  if (c.envFrom?.length) throw new Error(`${c.name}: envFrom is not supported by the container tier`);
  return env;
}

/** How a workload's container (or init container) runs, from the overlay's render. */
export function containerRun(
  overlay: AnyOverlay,
  kind: string,
  workload: string,
  container: string,
  init = false,
  extra: K8sObject[] = [],
): ContainerRun {
  const objects = [...renderDir(`k8s/overlays/${overlay}`), ...extra];
  const spec = podSpec(find(objects, kind, workload));
  const c = ((init ? spec.initContainers : spec.containers) as Container[] | undefined)?.find(
    (x) => x.name === container,
  );
  if (!c) throw new Error(`${kind}/${workload} has no ${init ? "init " : ""}container ${container}`);
  const sc = { ...(spec.securityContext ?? {}), ...(c.securityContext ?? {}) };
  const volumes = (spec.volumes ?? []) as {
    name: string;
    emptyDir?: unknown;
    secret?: { secretName: string; defaultMode?: number; items?: unknown };
  }[];
  const mounts = (c.volumeMounts ?? []) as { name: string; mountPath: string }[];
  const volume = (m: { name: string }) => volumes.find((v) => v.name === m.name);
  const tmpfs = mounts.filter((m) => volume(m)?.emptyDir).map((m) => m.mountPath);
  const secretVolumes = mounts.flatMap((m) => {
    const secret = volume(m)?.secret;
    if (!secret) return [];
    if (secret.items) throw new Error(`${c.name}: Secret volumes with items are not supported by the container tier`);
    // the kubelet mounts a Secret volume read-only, its files 0644 unless defaultMode says otherwise
    return [
      { mountPath: m.mountPath, files: secretFiles(objects, secret.secretName), mode: secret.defaultMode ?? 0o644 },
    ];
  });
  return {
    env: resolveEnv(objects, c),
    command: c.command,
    args: c.args,
    workingDir: c.workingDir,
    user: sc.runAsUser !== undefined ? `${sc.runAsUser}:${sc.runAsGroup ?? sc.runAsUser}` : undefined,
    readOnly: sc.readOnlyRootFilesystem === true,
    tmpfs,
    secretVolumes,
    memory: c.resources?.limits?.memory,
  };
}

/** podman run flags for a ContainerRun (image and args excluded). Capabilities are dropped as the manifests do. */
export function podmanFlags(run: ContainerRun): string[] {
  const flags = ["--cap-drop", "ALL", "--security-opt", "no-new-privileges"];
  if (run.user) flags.push("--user", run.user);
  if (run.readOnly) flags.push("--read-only");
  for (const t of run.tmpfs) flags.push("--tmpfs", `${t}:rw,U,size=64m`);
  if (run.workingDir) flags.push("--workdir", run.workingDir);
  if (run.memory) flags.push("--memory", k8sMemoryToPodman(run.memory));
  for (const [k, v] of Object.entries(run.env)) flags.push("--env", `${k}=${v}`);
  if (run.command) flags.push("--entrypoint", JSON.stringify(run.command));
  return flags;
}

/** `768Mi` -> `768m` (podman's units are binary too). */
export function k8sMemoryToPodman(q: string): string {
  const m = /^(\d+)(Ki|Mi|Gi)$/.exec(q);
  if (!m) throw new Error(`unsupported memory quantity ${q}`);
  return `${m[1]}${m[2]![0]!.toLowerCase()}`;
}

/** The rendered ConfigMap's files (e.g. the MySQL init scripts), as the pod would see them mounted. */
export function configMapFiles(overlay: Overlay, namePrefix: string): Record<string, string> {
  const cm = render(overlay).find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(namePrefix));
  if (!cm) throw new Error(`no ConfigMap ${namePrefix}* in the ${overlay} render`);
  return cm.data as Record<string, string>;
}
