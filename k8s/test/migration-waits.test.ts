// Cold first deploy: who waits for whom (docs/kubernetes.md). On an empty
// cluster the database, the migration Jobs and the app pods all start at once.
// The waits must nest so that an app pod never gives up while its Job could
// still succeed, and Skaffold never gives up while the app pods could still
// become ready: Skaffold fails at once on an init container that exits non-zero
// (pkg/skaffold/kubernetes/status/resource/deployment.go, nonRetryContainerErrors;
// pkg/diag/validator/validator.go walks init containers too).
import { DB_SERVICES, find, K8sObject, pipeline, podSpec, renderDir, skaffoldConfig } from "./support/repo";

// Budgets the manifests cannot express (seconds).
/** The Job's pod starting (node + tsx in dev), taking the migration lock and applying the migrations. */
const JOB_START_AND_MIGRATE = 60;
/** The app pod being scheduled and its process reaching its first probe. */
const SCHEDULING_MARGIN = 60;
// Kubernetes' default Deployment progressDeadlineSeconds; Skaffold's default status check deadline
// (pkg/skaffold/kubernetes/status/status_check.go, DefaultStatusCheckDeadline = 10 min).
const DEFAULT_DEADLINE = 600;

interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  failureThreshold?: number;
}
interface Container {
  name: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  startupProbe?: Probe;
}

/** The value after `flag` in args, as a number. */
const flagValue = (args: string[], flag: string): number | undefined => {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : Number(args[at + 1]);
};

/** How long `migrate deploy` waits for the database: --wait-for-database, else MIGRATE_DATABASE_WAIT_SECONDS. */
function jobDatabaseWait(job: K8sObject): number {
  const c: Container = podSpec(job).containers[0];
  const fromArgs = flagValue(c.args ?? [], "--wait-for-database");
  const fromEnv = c.env?.find((e) => e.name === "MIGRATE_DATABASE_WAIT_SECONDS")?.value;
  const wait = fromArgs ?? (fromEnv === undefined ? undefined : Number(fromEnv));
  if (wait === undefined || !Number.isFinite(wait)) throw new Error(`${job.metadata.name}: no database wait set`);
  return wait;
}

/** Longest time a startup probe gives the app container before the kubelet restarts it (Kubernetes defaults). */
function startupBudget(c: Container): number {
  const p = c.startupProbe;
  if (!p) return 0;
  return (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
}

// Every Skaffold pipeline (default and profiles) with the manifests it deploys.
const config = skaffoldConfig();
const pipelines = [undefined, ...(config.profiles ?? []).map((p) => p.name)].flatMap((profile) => {
  const p = pipeline(config, profile);
  const deadline = (p.deploy as { statusCheckDeadlineSeconds?: number } | undefined)?.statusCheckDeadlineSeconds;
  return (p.manifests?.kustomize?.paths ?? []).map((dir) => ({
    name: `${profile ?? "default"} pipeline (${dir})`,
    dir,
    statusCheckDeadline: deadline || DEFAULT_DEADLINE,
  }));
});

it("when skaffold.yaml is read, then every pipeline deploys at least one kustomize directory", () => {
  // the default pipeline and the dev, debug and prod profiles
  expect(pipelines.map((p) => p.dir)).toEqual(expect.arrayContaining(["k8s/overlays/dev", "k8s/overlays/prod"]));
  expect(pipelines.length).toBeGreaterThanOrEqual(3);
});

describe.each(pipelines)("the $name", ({ dir, statusCheckDeadline }) => {
  describe.each([...DB_SERVICES])("%s", (db) => {
    const objects = () => renderDir(dir);
    const job = () => find(objects(), "Job", `${db}-migrate`);
    const deployment = () => find(objects(), "Deployment", db);
    const initWait = () => {
      const init: Container | undefined = (podSpec(deployment()).initContainers ?? []).find(
        (c: Container) => c.name === "wait-for-schema",
      );
      if (!init) throw new Error(`Deployment/${db} has no wait-for-schema init container`);
      const wait = flagValue(init.args ?? [], "--wait");
      if (wait === undefined || !Number.isFinite(wait))
        throw new Error(`Deployment/${db}: wait-for-schema has no --wait`);
      return wait;
    };

    it("when the database is late, then the Job waits for it itself, for a bounded time", () => {
      expect(jobDatabaseWait(job())).toBeGreaterThanOrEqual(60);
      expect(jobDatabaseWait(job())).toBeLessThanOrEqual(600);
    });

    it("when the Job waits its full database wait, then the init container still waits longer (its start and migrations included)", () => {
      expect(jobDatabaseWait(job()) + JOB_START_AND_MIGRATE).toBeLessThanOrEqual(initWait());
    });

    it("when the init container still waits, then the Job is not killed by its own deadline first", () => {
      // unset: no deadline at all, which is fine too
      const active: number | undefined = job().spec.activeDeadlineSeconds;
      expect(active ?? Infinity).toBeGreaterThanOrEqual(initWait());
    });

    it("when the schema arrives at the init container's last moment, then the app can still start before Skaffold's and the Deployment's deadlines", () => {
      const app: Container = podSpec(deployment()).containers.find((c: Container) => c.name === db);
      const progressDeadline = deployment().spec.progressDeadlineSeconds ?? DEFAULT_DEADLINE;
      const needed = initWait() + startupBudget(app) + SCHEDULING_MARGIN;
      expect(needed).toBeLessThanOrEqual(statusCheckDeadline);
      expect(needed).toBeLessThanOrEqual(progressDeadline);
    });
  });
});
