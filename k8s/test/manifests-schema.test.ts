// Every overlay (dev, prod, debug) renders with the real kubectl kustomize, and every rendered
// object is a valid Kubernetes object: right types and required fields
// (kubernetes-models) and no field the API does not know (which the API server
// would drop or reject, e.g. a misspelled `readOnlyRootFileSystem`).
import fs from "node:fs";
import { hasModel, unknownFields, validateWithModel } from "./support/kube-schema";
import { kustomizeTool, Overlay, render } from "./support/repo";

const OVERLAYS: Overlay[] = ["dev", "prod", "debug"];

describe("kubectl", () => {
  it("when the tests look for kubectl or kustomize, then a real binary is found (scripts/ci/find-kustomize.js)", () => {
    expect(fs.existsSync(kustomizeTool().bin)).toBe(true);
  });
});

describe.each(OVERLAYS)("the %s overlay", (overlay) => {
  it(`when rendered with kubectl kustomize, then it yields objects with a kind, apiVersion and name`, () => {
    const objects = render(overlay);
    expect(objects.length).toBeGreaterThan(5);
    for (const o of objects) {
      expect(typeof o.apiVersion).toBe("string");
      expect(typeof o.kind).toBe("string");
      expect(typeof o.metadata?.name).toBe("string");
    }
  });

  it("when rendered, then no two objects share a kind and name", () => {
    const keys = render(overlay).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it("when each object is validated with kubernetes-models, then all are valid", () => {
    const failures: string[] = [];
    for (const o of render(overlay)) {
      if (!hasModel(o.apiVersion, o.kind)) {
        failures.push(`${o.kind}/${o.metadata.name}: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`);
        continue;
      }
      try {
        validateWithModel(o);
      } catch (err) {
        failures.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("when each object is walked against its API type, then it has no unknown field", () => {
    const objects = render(overlay);
    const found = objects.flatMap((o) => unknownFields(o, objects).map((p) => `${o.kind}/${o.metadata.name}: ${p}`));
    expect(found).toEqual([]);
  });
});

describe("the unknown-field check itself", () => {
  const deployment = () => JSON.parse(JSON.stringify(render("prod").find((o) => o.kind === "Deployment")));

  it("when a container field is misspelled, then it is reported with its path", () => {
    const d = deployment();
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem = true;
    expect(unknownFields(d)).toEqual([".spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"]);
  });

  it("when a field sits at the wrong level, then it is reported", () => {
    const d = deployment();
    d.spec.template.spec.containers[0].runAsNonRoot = true;
    d.spec.terminationGracePeriodSeconds = 5;
    expect(unknownFields(d).sort()).toEqual([
      ".spec.template.spec.containers[0].runAsNonRoot",
      ".spec.terminationGracePeriodSeconds",
    ]);
  });

  it("when labels and annotations carry arbitrary keys, then nothing is reported", () => {
    const d = deployment();
    d.metadata.annotations = { "example.com/anything": "x" };
    d.spec.template.metadata.labels["example.com/free-form"] = "y";
    expect(unknownFields(d)).toEqual([]);
  });
});
