// Migration Jobs across redeploys. A Job's pod template is immutable and Skaffold
// labels it with a per-session run-id, so applying over an existing Job fails with
// "field is immutable". The Jobs delete themselves as soon as they finish
// (ttlSecondsAfterFinished: 0) instead of a deploy hook, which was scoped to one
// namespace, skipped on Windows and could delete Jobs Skaffold would not re-apply.
import { Overlay, ofKind, render, skaffoldConfig } from "./support/repo";

const MAX_TTL_SECONDS = 0;
const OVERLAYS: Overlay[] = ["dev", "prod", "debug"];

describe("migration Jobs", () => {
  it.each(OVERLAYS)(
    "when %s is rendered, then every Job removes itself once finished (ttlSecondsAfterFinished 0)",
    (overlay) => {
      const jobs = ofKind(render(overlay), "Job");
      expect(jobs.map((j) => j.metadata.name).sort()).toEqual(["auth-migrate", "gacha-migrate", "item-migrate"]);
      const bad = jobs
        .filter(
          (j) =>
            !(typeof j.spec.ttlSecondsAfterFinished === "number" && j.spec.ttlSecondsAfterFinished <= MAX_TTL_SECONDS),
        )
        .map((j) => `${j.metadata.name}: ttlSecondsAfterFinished ${j.spec.ttlSecondsAfterFinished}`);
      expect(bad).toEqual([]);
    },
  );

  it("when skaffold deploys (any pipeline or profile), then no deploy hook runs", () => {
    const config = skaffoldConfig();
    const pipelines = [
      { name: "default", deploy: config.deploy },
      ...(config.profiles ?? []).map((p) => ({ name: p.name, deploy: p.deploy })),
    ];
    const withHooks = pipelines
      .filter(({ deploy }) => deploy !== undefined && JSON.stringify(deploy).includes('"hooks"'))
      .map(({ name }) => name);
    expect(withHooks).toEqual([]);
    expect(config.deploy?.kubectl).toBeDefined();
  });
});

describe("migration Jobs under Argo CD", () => {
  const HOOK = "argocd.argoproj.io/hook";
  const DELETE_POLICY = "argocd.argoproj.io/hook-delete-policy";
  const annotations = (o: { metadata: { annotations?: Record<string, string> } }) => o.metadata.annotations ?? {};

  it("when prod is rendered (what Argo CD syncs), then every migration Job is a PreSync hook, replaced on the next sync, and still removes itself when finished", () => {
    const jobs = ofKind(render("prod"), "Job");
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(["auth-migrate", "gacha-migrate", "item-migrate"]);
    for (const job of jobs) {
      expect({ job: job.metadata.name, hook: annotations(job)[HOOK], policy: annotations(job)[DELETE_POLICY] }).toEqual(
        {
          job: job.metadata.name,
          hook: "PreSync",
          policy: "BeforeHookCreation",
        },
      );
      expect(job.spec.ttlSecondsAfterFinished).toBe(0);
    }
    // only the Jobs are hooks: a hooked Deployment would be re-created on every sync
    const others = render("prod").filter((o) => o.kind !== "Job" && HOOK in annotations(o));
    expect(others.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it.each(["dev", "debug"] as Overlay[])(
    "when %s is rendered (applied by Skaffold only), then no object carries an Argo CD annotation",
    (overlay) => {
      const argo = render(overlay).filter((o) =>
        Object.keys(annotations(o)).some((k) => k.startsWith("argocd.argoproj.io/")),
      );
      expect(argo.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    },
  );
});
