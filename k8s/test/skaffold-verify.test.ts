// `skaffold verify`: the e2e suite as a Job in the cluster (skaffold.yaml's verify
// stanza, the e2e profile's image, k8s/verify/e2e-job.yaml). What the real binary
// does with them is test/cluster/skaffold-verify.test.ts; this checks that the
// pieces fit: the Job reaches the dev overlay's Services, the image's files are
// never synced (a save must not rebuild it), and no overlay deploys the Job.
import YAML from "yaml";
import { containerPath, targetLayout } from "./support/dockerfile";
import { globMatch, isIncluded, parseDockerignore } from "./support/glob";
import { validateWithModel } from "./support/kube-schema";
import {
  artifactDockerfile,
  readRepoFile,
  render,
  repoFiles,
  skaffoldConfig,
  type K8sObject,
  type Overlay,
  type SkaffoldArtifact,
} from "./support/repo";

interface VerifyCase {
  name: string;
  container: { name: string; image: string };
  executionMode?: { kubernetesCluster?: { jobManifestPath?: string } };
  timeout?: number;
}
interface Profile {
  name: string;
  activation?: { command?: string; env?: string; kubeContext?: string }[];
  patches?: { op: string; path: string; value?: unknown }[];
}

const config = skaffoldConfig() as ReturnType<typeof skaffoldConfig> & { verify?: VerifyCase[] };
const verify = config.verify ?? [];
const e2eProfile = (config.profiles as Profile[] | undefined)?.find((p) => p.name === "e2e");
const e2eArtifact = e2eProfile?.patches?.find((p) => p.path === "/build/artifacts/-")?.value as
  SkaffoldArtifact | undefined;
const jobManifest = (): K8sObject =>
  YAML.parse(readRepoFile(verify[0]!.executionMode!.kubernetesCluster!.jobManifestPath!));

it("when skaffold.yaml is read, then one verify case runs the e2e image as a Job in the cluster from the repo's Job manifest, with a timeout", () => {
  expect(verify.map((v) => v.name)).toEqual(["e2e"]);
  const [e2e] = verify;
  expect(e2e!.container.image).toBe("e2e");
  expect(e2e!.executionMode?.kubernetesCluster?.jobManifestPath).toBe("k8s/verify/e2e-job.yaml");
  expect(e2e!.timeout).toBeGreaterThan(0);
});

it("when the e2e image is built, then only the build and verify commands add it (skaffold dev, run and debug never build or watch it)", () => {
  expect(e2eProfile?.activation).toEqual([{ command: "build" }, { command: "verify" }]);
  expect(e2eArtifact?.image).toBe("e2e");
  expect(config.build?.artifacts?.map((a) => a.image)).not.toContain("e2e");
});

it("when the Job manifest is read, then it is a valid batch/v1 Job with labels (Skaffold adds its run-id to them), one container named as the verify case's, no retries and a deadline", () => {
  const job = jobManifest();
  validateWithModel(job);
  expect(job.kind).toBe("Job");
  expect(job.metadata.labels).toEqual(expect.objectContaining({ "app.kubernetes.io/name": "e2e" }));
  expect(job.spec.template.metadata.labels).toEqual(expect.objectContaining({ "app.kubernetes.io/name": "e2e" }));
  expect(job.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual([verify[0]!.container.name]);
  expect(job.spec.backoffLimit).toBe(0);
  expect(job.spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(verify[0]!.timeout!);
});

it("when the Job runs, then it runs as non-root with no privilege escalation and no service account token", () => {
  const pod = jobManifest().spec.template.spec;
  const [c] = pod.containers;
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.securityContext.runAsNonRoot).toBe(true);
  expect(c.securityContext).toEqual(
    expect.objectContaining({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }),
  );
  expect(c.resources?.limits?.memory).toBeDefined();
});

it.each(["dev", "debug"] as Overlay[])(
  "when the e2e suite's URLs are read, then each names a Service of the %s overlay on a port it serves",
  (overlay) => {
    const env: { name: string; value: string }[] = jobManifest().spec.template.spec.containers[0].env;
    const urls = env.filter((e) => /^E2E_\w+_URL$/.test(e.name));
    expect(urls.map((e) => e.name).sort()).toEqual(["E2E_AUTH_URL", "E2E_BASE_URL"]);
    const services = render(overlay).filter((o) => o.kind === "Service");
    for (const { name, value } of urls) {
      const url = new URL(value);
      const svc = services.find((s) => s.metadata.name === url.hostname);
      const ports = (svc?.spec.ports ?? []).map((p: { port: number }) => p.port);
      expect({ name, host: url.hostname, served: ports.includes(Number(url.port)) }).toEqual({
        name,
        host: url.hostname,
        served: true,
      });
    }
  },
);

it.each(["dev", "debug", "prod"] as Overlay[])(
  "when the %s overlay is rendered, then it has no verify Job (only skaffold verify creates it)",
  (overlay) => {
    const job = jobManifest();
    expect(render(overlay).filter((o) => o.kind === "Job" && o.metadata.name === job.metadata.name)).toEqual([]);
  },
);

it("when the e2e image's dependencies are listed, then they are the suite and the package manifests, and no file any dev artifact syncs (a save never rebuilds it)", () => {
  const a = e2eArtifact!;
  const rules = parseDockerignore(readRepoFile(`${a.docker!.dockerfile!}.dockerignore`));
  const layout = targetLayout(artifactDockerfile(a), a.docker!.target!);
  const deps = repoFiles().filter((f) => isIncluded(rules, f) && containerPath(layout, f) !== undefined);
  expect(deps).toContain("services/gateway/e2e/gateway.e2e.test.ts");
  expect(deps).toContain("package-lock.json");
  const synced = (config.build?.artifacts ?? []).flatMap((art) =>
    (art.sync?.manual ?? []).flatMap((rule) =>
      deps.filter((f) => globMatch(rule.src, f)).map((f) => `${art.image}: ${f}`),
    ),
  );
  expect(synced).toEqual([]);
});
