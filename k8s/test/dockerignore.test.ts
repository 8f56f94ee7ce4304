// Editors' temp files must not reach a build context: skaffold's watcher only
// tracks files that pass the Dockerfile's .dockerignore, and a changed file that
// matches no sync rule makes it rebuild the image (issue 8, point 5). Checked
// with Docker's own matching rules (@balena/dockerignore ports moby's
// patternmatcher), not with this repo's glob helper.
import { execFileSync } from "node:child_process";
import ignore from "@balena/dockerignore";
import { targetLayout } from "./support/dockerfile";
import { readRepoFile, repoRoot, serviceDockerfile, SERVICES } from "./support/repo";

/** The .dockerignore as Docker reads it: one pattern per line, `#` comments and blank lines dropped. */
function dockerignoreOf() {
  const patterns = readRepoFile("services/node.Dockerfile.dockerignore")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  return ignore().add(patterns);
}

/** Source folders (`services/x/`, `packages/y/`) the dev target copies from the build context. */
function copiedSourceFolders(svc: string): string[] {
  const layout = targetLayout(serviceDockerfile(svc), "dev");
  const folders = layout.copies
    .filter((c) => !c.from)
    .flatMap((c) => c.sources)
    .filter((s) => /^(packages|services)\/[^/]+\/$/.test(s));
  return [...new Set(folders)];
}

// Files as git would commit them (tracked + new, minus .gitignore), so a swap file
// that happens to be open in someone's editor is not mistaken for a source.
const committable = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  cwd: repoRoot,
  encoding: "utf8",
})
  .split("\n")
  .filter(Boolean);

// Regenerated inside the image and tests are excluded on purpose (see the .dockerignore files).
const isSource = (f: string) => /\/src\//.test(f) && !/\/src\/(generated|gen)\//.test(f) && !f.endsWith(".test.ts");

const tempNamesFor = (dir: string, base: string) => [
  `${dir}/.${base}.swp`, // vim swap files
  `${dir}/.${base}.swo`,
  `${dir}/.${base}.swx`,
  `${dir}/4913`, // vim's "can I write here" probe
  `${dir}/.#${base}`, // emacs lock file
  `${dir}/${base}~`, // emacs/vim backup
  `${dir}/#${base}#`, // emacs auto-save
  `${dir}/${base}___jb_tmp___`, // JetBrains safe write
  `${dir}/${base}___jb_old___`,
  `${dir}/.DS_Store`, // macOS Finder
];

describe.each([...SERVICES])("services/node.Dockerfile.dockerignore, SERVICE=%s", (svc) => {
  const ig = dockerignoreOf();
  const folders = copiedSourceFolders(svc);
  const sources = committable.filter((f) => folders.some((d) => f.startsWith(d)) && isSource(f));

  it("when the dev target's COPY lines are read, then it copies its own service, the runtime package and (gRPC services) the proto package", () => {
    const proto = svc === "auth" ? [] : ["packages/proto/"];
    expect(folders).toEqual(expect.arrayContaining([`services/${svc}/`, "packages/runtime/", ...proto]));
    expect(sources).toContain(`services/${svc}/src/main.ts`);
  });

  it("when a source of the service or of a package it copies is checked, then it is not ignored (it is in the build context)", () => {
    expect(sources.filter((f) => ig.ignores(f))).toEqual([]);
  });

  it("when editors leave temp files next to those sources, then every one is ignored (no rebuild on save)", () => {
    const dirs = [...new Set(sources.map((f) => f.slice(0, f.lastIndexOf("/"))))];
    const temps = dirs.flatMap((d) => tempNamesFor(d, "main.ts"));
    temps.push(...tempNamesFor(`services/${svc}/src`, "app.ts"), ...tempNamesFor("packages/runtime/src", "x"));
    expect(temps.length).toBeGreaterThan(30);
    expect(temps.filter((f) => !ig.ignores(f))).toEqual([]);
  });
});
