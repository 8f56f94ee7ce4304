// Which probes the app containers carry per overlay. In dev a liveness probe would
// turn a crash-edit into lost work: nodemon stays up with no server behind it, the
// kubelet restarts the container from the image, every file synced since the last
// build is gone and Skaffold never re-syncs (it syncs only on file events; skaffold
// issue #6924). So dev (and debug) keep readiness and drop liveness; prod keeps both.
import { find, Overlay, podSpec, render, SERVICES } from "./support/repo";

const appContainer = (overlay: Overlay, svc: string) =>
  podSpec(find(render(overlay), "Deployment", svc)).containers.find((c: { name: string }) => c.name === svc);

describe("app container probes", () => {
  it.each([...SERVICES])(
    "when dev is rendered, then %s has a readiness and a startup probe but no liveness probe",
    (svc) => {
      const c = appContainer("dev", svc);
      expect(c.livenessProbe).toBeUndefined();
      expect(c.readinessProbe).toBeDefined();
      // the startup probe survives the patch whole (only failureThreshold is raised in dev)
      expect(c.startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 60 });
      expect(c.startupProbe.grpc ?? c.startupProbe.httpGet).toBeDefined();
    },
  );

  it.each([...SERVICES])("when prod is rendered, then %s has readiness and liveness probes", (svc) => {
    const c = appContainer("prod", svc);
    expect(c.readinessProbe).toBeDefined();
    expect(c.livenessProbe).toBeDefined();
    expect(c.livenessProbe.grpc ?? c.livenessProbe.httpGet).toBeDefined();
  });

  it("when dev is rendered, then MySQL (not synced, not restarted by saves) keeps its liveness probe", () => {
    const mysql = podSpec(find(render("dev"), "StatefulSet", "mysql")).containers[0];
    expect(mysql.livenessProbe).toBeDefined();
  });
});
