// Shared helpers of the Kubernetes / Skaffold tests: repository paths, the
// rendered overlays (real `kubectl kustomize` or `kustomize build`), skaffold.yaml and
// skaffold.modules.yaml, file listing.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { parseDockerfile, type Dockerfile } from "./dockerfile";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
/** Vendored third-party schemas (origin and license in its README.md). */
export const schemaDir = path.join(repoRoot, "k8s", "test", "schemas");
export const SERVICES = ["gacha", "item", "gateway", "auth"] as const;
export type ServiceName = (typeof SERVICES)[number];
export const DB_SERVICES = ["gacha", "item", "auth"] as const;
export type Overlay = "dev" | "prod" | "debug";

/** A rendered Kubernetes object, loosely typed (tests narrow what they read). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export interface KustomizeTool {
  tool: "kubectl" | "kustomize";
  bin: string;
  why: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain Node script, shared with scripts/test.sh
const { findKustomize, renderArgs } = require("../../../scripts/ci/find-kustomize") as {
  findKustomize(): KustomizeTool;
  renderArgs(tool: KustomizeTool["tool"], dir: string): string[];
};
let tool: KustomizeTool | undefined;

/**
 * The kubectl or kustomize that renders the overlays: KUBECTL / KUSTOMIZE if set, else the one on PATH when
 * recent enough (kubectl >= 1.31 or kustomize >= 5.2.1), else the Linux x64 download; throws saying what to
 * install otherwise. These tests never skip.
 */
export function kustomizeTool(): KustomizeTool {
  tool ??= findKustomize();
  return tool;
}

const renders = new Map<string, K8sObject[]>();

/** `kubectl kustomize <dir>` (or `kustomize build <dir>`) parsed into objects (cached per process). */
export function renderDir(dir: string): K8sObject[] {
  const abs = path.resolve(repoRoot, dir);
  const cached = renders.get(abs);
  if (cached) return cached;
  const { tool: name, bin } = kustomizeTool();
  const out = execFileSync(bin, renderArgs(name, abs), { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const objects = YAML.parseAllDocuments(out)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`kustomize output of ${dir} is not valid YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === "object");
  renders.set(abs, objects);
  return objects;
}

export function render(overlay: Overlay): K8sObject[] {
  return renderDir(`k8s/overlays/${overlay}`);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind}/${name} not found in the rendered manifests`);
  return o;
}

export function ofKind(objects: K8sObject[], ...kinds: string[]): K8sObject[] {
  return objects.filter((o) => kinds.includes(o.kind));
}

// ---- skaffold.yaml ---------------------------------------------------------

export interface SyncRule {
  src: string;
  dest: string;
  strip?: string;
}
export interface SkaffoldArtifact {
  image: string;
  context?: string;
  docker?: { dockerfile?: string; target?: string; buildArgs?: Record<string, string> };
  sync?: { manual?: SyncRule[] };
}
export interface PortForward {
  resourceType: string;
  resourceName: string;
  port: number | string;
  localPort?: number;
  namespace?: string;
}
export interface SkaffoldPipeline {
  build?: { artifacts?: SkaffoldArtifact[] };
  manifests?: { kustomize?: { paths?: string[] } };
  deploy?: { kubectl?: Record<string, unknown> };
  portForward?: PortForward[];
}
export interface JsonPatch {
  op: string;
  path: string;
  value?: unknown;
}
export interface SkaffoldConfig extends SkaffoldPipeline {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string };
  requires?: { configs?: string[]; path?: string }[];
  profiles?: (SkaffoldPipeline & { name: string; patches?: JsonPatch[]; activation?: { command?: string }[] })[];
}

export function skaffoldConfig(): SkaffoldConfig {
  return YAML.parse(fs.readFileSync(path.join(repoRoot, "skaffold.yaml"), "utf8")) as SkaffoldConfig;
}

// ---- skaffold.modules.yaml ---------------------------------------------------

/** Every module of skaffold.modules.yaml (one YAML document each), in file order. */
export function skaffoldModules(): SkaffoldConfig[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(repoRoot, "skaffold.modules.yaml"), "utf8")).map((d) => {
    if (d.errors.length) throw new Error(`skaffold.modules.yaml is not valid YAML: ${d.errors[0]?.message}`);
    return d.toJS() as SkaffoldConfig;
  });
}

/** The module named `name`. */
export function skaffoldModule(name: string): SkaffoldConfig {
  const m = skaffoldModules().find((x) => x.metadata?.name === name);
  if (!m) throw new Error(`skaffold.modules.yaml has no module ${name}`);
  return m;
}

/**
 * One module's pipeline under a profile, as Skaffold applies it: the profile's sections replace
 * the module's wholesale (an empty list replaces nothing), then its JSON patches, which here
 * only ever set or remove a whole section or append to a list (a test forbids list indexes). A module without the
 * profile keeps its default pipeline.
 */
export function modulePipeline(config: SkaffoldConfig, profile?: string): SkaffoldPipeline {
  const p = profile ? config.profiles?.find((x) => x.name === profile) : undefined;
  const out: SkaffoldPipeline = {
    build: p?.build ?? config.build,
    manifests: p?.manifests ?? config.manifests,
    deploy: p?.deploy ?? config.deploy,
    portForward: p?.portForward?.length ? p.portForward : config.portForward,
  };
  for (const patch of p?.patches ?? []) {
    const [section, field, ...rest] = patch.path.split("/").slice(1) as [keyof SkaffoldPipeline, string?, ...string[]];
    const append = rest.length === 1 && rest[0] === "-" && patch.op === "add" && field;
    if (rest.length && !append)
      throw new Error(`profile ${profile}: patch ${patch.path} is deeper than this reader follows`);
    if (append) {
      const list = ((out[section] as Record<string, unknown[]> | undefined)?.[field] ?? []) as unknown[];
      out[section] = { ...(out[section] as object), [field]: [...list, patch.value] } as never;
    } else if (patch.op === "remove" && !field) delete out[section];
    else if (patch.op === "add" && field) out[section] = { ...(out[section] as object), [field]: patch.value } as never;
    else throw new Error(`profile ${profile}: patch ${patch.op} ${patch.path} is not one this reader follows`);
  }
  return out;
}

/**
 * What `skaffold -f skaffold.modules.yaml <cmd> [-p profile]` runs with no -m: every module's
 * pipeline under the profile, artifacts, manifests and port-forwards concatenated in module order.
 */
export function modulesPipeline(profile?: string): SkaffoldPipeline {
  const parts = skaffoldModules().map((m) => modulePipeline(m, profile));
  return {
    build: { artifacts: parts.flatMap((p) => p.build?.artifacts ?? []) },
    manifests: { kustomize: { paths: parts.flatMap((p) => p.manifests?.kustomize?.paths ?? []) } },
    portForward: parts.flatMap((p) => p.portForward ?? []),
  };
}

/** The Dockerfile an artifact builds, read with the artifact's build args (SERVICE=...). */
export function artifactDockerfile(a: SkaffoldArtifact): Dockerfile {
  return parseDockerfile(readRepoFile(a.docker!.dockerfile!), a.docker!.buildArgs);
}

/** The Dockerfile of a Node service as the default pipeline's (dev) artifact builds it. */
export function serviceDockerfile(svc: string): Dockerfile {
  const a = skaffoldConfig().build?.artifacts?.find((x) => x.image === svc);
  if (!a) throw new Error(`artifact ${svc} not in skaffold.yaml`);
  return artifactDockerfile(a);
}

/** The pipeline a profile of skaffold.yaml produces (modulePipeline), the profile required to exist. */
export function pipeline(config: SkaffoldConfig, profile?: string): SkaffoldPipeline {
  if (profile && !config.profiles?.some((x) => x.name === profile))
    throw new Error(`skaffold profile ${profile} not found`);
  return modulePipeline(config, profile);
}

// ---- files -------------------------------------------------------------------

const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "coverage"]);
let fileList: string[] | undefined;

/** Every file of the working tree (repo-relative, '/' separated), minus installs and builds. */
export function repoFiles(): string[] {
  if (fileList) return fileList;
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(rel ? `${rel}/${entry.name}` : entry.name);
      } else if (entry.isFile()) {
        out.push(rel ? `${rel}/${entry.name}` : entry.name);
      }
    }
  };
  walk("");
  fileList = out.sort();
  return fileList;
}

export function readRepoFile(rel: string): string {
  return fs.readFileSync(path.join(repoRoot, rel), "utf8");
}

// ---- pod specs -----------------------------------------------------------------

export interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: { name?: string; containerPort: number }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  env?: { name: string; value?: string; valueFrom?: any }[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

/** Pod template spec of a workload (Deployment, StatefulSet, Job), else undefined. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podSpec(o: K8sObject): any | undefined {
  if (["Deployment", "StatefulSet", "Job", "DaemonSet", "ReplicaSet"].includes(o.kind)) return o.spec?.template?.spec;
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  if (o.kind === "Pod") return o.spec;
  return undefined;
}

export interface ContainerRef {
  workload: K8sObject;
  container: Container;
  init: boolean;
  where: string;
}

export function containers(objects: K8sObject[]): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const o of objects) {
    const spec = podSpec(o);
    if (!spec) continue;
    for (const c of (spec.initContainers ?? []) as Container[])
      out.push({
        workload: o,
        container: c,
        init: true,
        where: `${o.kind}/${o.metadata.name} initContainer ${c.name}`,
      });
    for (const c of (spec.containers ?? []) as Container[])
      out.push({ workload: o, container: c, init: false, where: `${o.kind}/${o.metadata.name} container ${c.name}` });
  }
  return out;
}
