// One Skaffold version for the dev container, the GitHub workflows and the
// cluster tier: tools/cluster/versions.env says which.
import fs from "node:fs";
import path from "node:path";
import { readText, repoRoot } from "./support";

const versionsEnv = readText("tools/cluster/versions.env");
const skaffold = /^SKAFFOLD_VERSION=(v\d+\.\d+\.\d+)$/m.exec(versionsEnv)?.[1];
const workflowDir = path.join(repoRoot, ".github", "workflows");
const workflows = fs.readdirSync(workflowDir).map((f) => ({ file: f, text: readText(`.github/workflows/${f}`) }));

it("when tools/cluster/versions.env is read, then it names one exact Skaffold version", () => {
  expect(skaffold).toMatch(/^v\d+\.\d+\.\d+$/);
});

it("when the dev container image is built, then it installs the Skaffold of versions.env", () => {
  expect(/^ARG SKAFFOLD_VERSION=(\S+)$/m.exec(readText(".devcontainer/Dockerfile"))?.[1]).toBe(skaffold);
});

it("when a workflow installs Skaffold, then it reads the version from versions.env and names none of its own", () => {
  const installing = workflows.filter((w) => w.text.includes("storage.googleapis.com/skaffold/releases"));
  expect(installing.map((w) => w.file)).toEqual(["e2e.yml", "release.yml"]);
  for (const { file, text } of workflows) {
    expect({ file, own: /SKAFFOLD_VERSION\s*[:=]|skaffold\/releases\/v\d/.test(text) }).toEqual({ file, own: false });
  }
  for (const { file, text } of installing) {
    expect({ file, sources: /^\s*\. tools\/cluster\/versions\.env$/m.test(text) }).toEqual({ file, sources: true });
  }
});

it("when the docs name the dev container's Skaffold, then it is that version", () => {
  expect(readText("docs/kubernetes.md")).toContain(`the dev container installs ${skaffold}`);
});

it("when the cluster tier builds Skaffold from the Go module proxy, then it builds the version of versions.env", () => {
  const goMod = readText("tools/cluster/skaffold/go.mod");
  const required = /^require github\.com\/GoogleContainerTools\/skaffold\/v2 (v\S+)$/m.exec(goMod)?.[1];
  expect(required).toBe(skaffold);
});
