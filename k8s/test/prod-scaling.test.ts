// An HPA owns its Deployment's replica count: a `spec.replicas` in the manifest would
// be re-applied by every `kubectl apply`/`skaffold run` and undo a scale-up.
import { K8sObject, ofKind, render } from "./support/repo";

const scaledDeployments = (objects: K8sObject[]) =>
  ofKind(objects, "HorizontalPodAutoscaler")
    .filter((h) => h.spec.scaleTargetRef?.kind === "Deployment")
    .map((h) => h.spec.scaleTargetRef.name as string);

describe("the prod overlay's scaling", () => {
  it("when prod is rendered, then every service Deployment is the target of an HPA", () => {
    expect(scaledDeployments(render("prod")).sort()).toEqual(["auth", "gacha", "gateway", "item", "web"]);
  });

  it("when a Deployment is scaled by an HPA, then the rendered Deployment sets no spec.replicas", () => {
    const prod = render("prod");
    const targets = new Set(scaledDeployments(prod));
    const withReplicas = ofKind(prod, "Deployment")
      .filter((d) => targets.has(d.metadata.name) && d.spec.replicas !== undefined)
      .map((d) => `${d.metadata.name}: replicas ${d.spec.replicas}`);
    expect(withReplicas).toEqual([]);
  });
});
