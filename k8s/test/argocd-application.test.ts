// The Argo CD Application (k8s/argocd/application.yaml) against Argo CD's CRD
// schema, as packaged by @kubernetes-models/argo-cd (generated from the
// Application CRD's openAPIV3Schema). The package is ESM-only, so it runs in a
// child node process, not inside jest's CommonJS module system.
import { execFileSync } from "node:child_process";
import { readRepoFile, repoRoot } from "./support/repo";
import YAML from "yaml";

interface Application {
  apiVersion: string;
  kind: string;
  metadata: { name: string; finalizers?: string[] };
  spec: {
    project: string;
    source: { repoURL: string; targetRevision: string; path: string; directory?: { include?: string } };
    destination: { server: string; namespace: string };
    syncPolicy: { automated?: { prune?: boolean; selfHeal?: boolean }; syncOptions?: string[] };
  };
}

const validator = `
const { Application } = await import("@kubernetes-models/argo-cd/argoproj.io/v1alpha1");
let input = "";
for await (const chunk of process.stdin) input += chunk;
const results = JSON.parse(input).map((doc) => {
  try { new Application(doc).validate(); return null; } catch (err) { return String(err.message); }
});
process.stdout.write(JSON.stringify(results));
`;

/** Validates each document as an Argo CD Application; null for a valid one, else the message. */
function validate(docs: unknown[]): (string | null)[] {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", validator], {
    cwd: repoRoot,
    input: JSON.stringify(docs),
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out) as (string | null)[];
}

const app = YAML.parse(readRepoFile("k8s/argocd/application.yaml")) as Application;
const copy = (): Application => JSON.parse(JSON.stringify(app));

describe("the Argo CD Application", () => {
  it("when validated against Argo CD's Application schema, then it is valid; broken copies are not (the validator runs)", () => {
    const noProject = copy() as unknown as { spec: { project?: string } };
    delete noProject.spec.project;
    const pruneNotBoolean = copy() as unknown as { spec: { syncPolicy: { automated: { prune: unknown } } } };
    pruneNotBoolean.spec.syncPolicy.automated.prune = "yes";
    const [valid, missing, wrongType] = validate([app, noProject, pruneNotBoolean]);
    expect(valid).toBeNull();
    expect(missing).toMatch(/must have required property 'project'|project/);
    expect(wrongType).toMatch(/prune must be boolean/);
    expect(app.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(app.kind).toBe("Application");
  });

  it("when a release lands on deploy/prod, then Argo CD syncs it by itself, prunes what a release removed and reverts hand edits", () => {
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(["CreateNamespace=true"]));
    expect(app.spec.destination.server).toBe("https://kubernetes.default.svc");
    expect(app.spec.destination.namespace).toMatch(/^[a-z0-9-]+$/);
  });

  it("when Argo CD reads the branch, then it reads only the hydrated file (nothing is rendered in the cluster)", () => {
    expect(app.spec.source).toMatchObject({
      targetRevision: "deploy/prod",
      path: ".",
      directory: { include: "prod.yaml" },
    });
    expect(app.spec.source.repoURL).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
  });

  it("when the Application is read, then it carries no Secret and no credential: the prod Secrets come from the operator", () => {
    const text = readRepoFile("k8s/argocd/application.yaml");
    expect(text).not.toMatch(/kind:\s*Secret|password|token:/i);
    for (const name of ["gacha-database", "item-database", "auth-database", "auth-signing-key"]) {
      expect(text).toContain(name);
    }
  });
});
