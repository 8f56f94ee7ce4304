// Cold first deploy (docs/kubernetes.md, "Cold first deploy: who waits for
// whom"): the database accepts connections only ~90 s after its pod starts, as
// a real MySQL does while it initialises. `skaffold run` must still succeed with
// no manual step: the migration Jobs and the services' init containers wait.
//
// The delay is a feature of the cluster tier's MySQL stand-in
// (MYSQL_STANDIN_START_DELAY_SECONDS, test/container/mariadb/entrypoint.sh), set
// by an overlay that is the dev overlay plus that one variable, in a copy of
// the repository whose skaffold.yaml points at it. Everything else is the
// default pipeline as a user runs it.
import fs from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";
import { createNamespace, deleteNamespace, deploymentsAvailable, repoCopy } from "./support/cluster";
import { kubectlJson, skaffold, type KubeObject } from "./support/run";

const DELAY_SECONDS = 90;
let ns: string;
let copy: ReturnType<typeof repoCopy>;

beforeAll(async () => {
  ns = await createNamespace("cold");
  copy = repoCopy();
  const overlay = path.join(copy.dir, "k8s/overlays/cold-start");
  fs.mkdirSync(overlay);
  fs.writeFileSync(
    path.join(overlay, "kustomization.yaml"),
    [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources: [../dev]",
      "patches:",
      "  - target: {kind: StatefulSet, name: mysql}",
      "    patch: |-",
      "      - op: add",
      "        path: /spec/template/spec/containers/0/env/-",
      `        value: {name: MYSQL_STANDIN_START_DELAY_SECONDS, value: "${DELAY_SECONDS}"}`,
      "",
    ].join("\n"),
  );
  const file = path.join(copy.dir, "skaffold.yaml");
  const doc = parseDocument(fs.readFileSync(file, "utf8"));
  doc.setIn(["manifests", "kustomize", "paths"], ["k8s/overlays/cold-start"]);
  fs.writeFileSync(file, doc.toString());
});

afterAll(async () => {
  copy?.remove();
  if (ns) await deleteNamespace(ns);
});

it(`when MySQL accepts connections only ${DELAY_SECONDS} s after it starts, then \`skaffold run\` still succeeds with every Deployment Available`, async () => {
  const t0 = Date.now();
  const r = await skaffold(["run", "-n", ns, "--status-check=true"], { cwd: copy.dir, timeoutMs: 20 * 60_000 });
  if (r.code !== 0) throw new Error(`skaffold run exited ${r.code}:\n${(r.stdout + r.stderr).slice(-6000)}`);
  console.log(
    `cluster tier: cold first deploy with a ${DELAY_SECONDS} s database: skaffold run took ${Date.now() - t0} ms`,
  );
  // the delay really applied: the database's container became ready no earlier than DELAY_SECONDS after it started
  const pod = await kubectlJson<KubeObject>(["-n", ns, "get", "pod", "mysql-0"]);
  const started = Date.parse(pod.status!.containerStatuses![0]!.state.running!.startedAt);
  const ready = Date.parse(pod.status!.conditions!.find((c) => c.type === "Ready")!.lastTransitionTime!);
  expect(ready - started).toBeGreaterThanOrEqual(DELAY_SECONDS * 1000);
  expect(await deploymentsAvailable(ns)).toEqual({
    auth: "True",
    gacha: "True",
    gateway: "True",
    item: "True",
    jaeger: "True",
    prometheus: "True",
    web: "True",
  });
});
