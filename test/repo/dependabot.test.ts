// Dependency updates come from Dependabot (.github/dependabot.yml): every manifest the
// repository has is covered by an update entry, so a new Dockerfile or Go build module
// cannot silently fall out of it.
import fs from "node:fs";
import path from "node:path";
import { readYaml, repoRoot } from "./support";

interface Update {
  "package-ecosystem": string;
  directory?: string;
  directories?: string[];
  schedule?: { interval?: string };
  ignore?: { "dependency-name": string; "update-types"?: string[] }[];
}
const config = readYaml<{ version: number; updates: Update[] }>(".github/dependabot.yml");

/** Dependabot's directory globs: `*` is one path segment. */
const covers = (pattern: string, dir: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]+")}$`).test(dir);

const coveredBy = (ecosystem: string, dir: string) =>
  config.updates.some(
    (u) =>
      u["package-ecosystem"] === ecosystem && [u.directory, ...(u.directories ?? [])].some((p) => p && covers(p, dir)),
  );

/** "/" + the folders (relative to the root) holding a file named `name` (or matching it), outside node_modules and .git. */
function foldersWith(name: string | RegExp, under = ""): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      if (e.isDirectory() && !["node_modules", ".git", "dist", "generated"].includes(e.name))
        walk(path.join(rel, e.name));
      else if (typeof name === "string" ? e.name === name : name.test(e.name))
        found.push(`/${rel}`.replace(/\/$/, "") || "/");
    }
  };
  walk(under);
  return found.sort();
}

it("when dependabot.yml is read, then it is version 2 and every entry has a schedule", () => {
  expect(config.version).toBe(2);
  for (const u of config.updates)
    expect({ u: u["package-ecosystem"], interval: u.schedule?.interval }).toEqual({
      u: u["package-ecosystem"],
      interval: expect.stringMatching(/^(daily|weekly|monthly)$/),
    });
});

it("when the repository has a Dockerfile, a Go build module, a compose file or the npm workspaces, then an update entry covers its folder", () => {
  // Dependabot's docker ecosystem also reads <name>.Dockerfile (services/node.Dockerfile)
  const dockerfiles = foldersWith(/^(.+\.)?Dockerfile$/);
  const gomods = foldersWith("go.mod", "tools");
  const composes = foldersWith("compose.yaml");
  // services (node.Dockerfile), services/web and the dev container
  expect(dockerfiles.length).toBeGreaterThanOrEqual(3);
  expect(gomods.length).toBeGreaterThanOrEqual(9);
  const uncovered = [
    ...dockerfiles.filter((d) => !coveredBy("docker", d)).map((d) => `docker ${d}`),
    ...gomods.filter((d) => !coveredBy("gomod", d)).map((d) => `gomod ${d}`),
    ...composes.filter((d) => !coveredBy("docker-compose", d)).map((d) => `docker-compose ${d}`),
    ...(coveredBy("npm", "/") ? [] : ["npm /"]),
    ...(coveredBy("github-actions", "/") ? [] : ["github-actions /"]),
  ];
  expect(uncovered).toEqual([]);
});

it("when Dependabot updates the cluster tier's Go modules, then Kubernetes stays on its minor (its build module pins the staging modules to it)", () => {
  const gomod = config.updates.find((u) => u["package-ecosystem"] === "gomod")!;
  expect(gomod.ignore).toContainEqual({
    "dependency-name": "k8s.io/*",
    "update-types": ["version-update:semver-major", "version-update:semver-minor"],
  });
});
