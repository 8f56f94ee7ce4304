// The repository needs nothing beside it: no file of the project reads a
// sibling folder of the clone (as the schema test once did), and the
// vendored Skaffold schema is the unmodified upstream file its README names.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readRepoFile, repoFiles, repoRoot, schemaDir } from "./support/repo";

/** Files git tracks or would track (untracked but not ignored); every file when this is not a git checkout. */
function projectFiles(): string[] {
  let out: string;
  try {
    out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return repoFiles();
  }
  return [...new Set(out.split("\0"))].filter((f) => f && fs.existsSync(path.join(repoRoot, f)));
}

// Built from pieces so that this file does not match itself.
const SIBLING = "shared";
const OUTSIDE = [
  new RegExp(`\\.\\./${SIBLING}\\b`), // a relative path to the sibling folder
  new RegExp(`/work/${SIBLING}\\b`), // this machine's absolute path of it
  new RegExp(`["']\\.\\.["']\\s*,\\s*["']${SIBLING}["']`), // the same, as path.join() arguments
  /repoRoot\s*,\s*["']\.\.["']/, // anything resolved above the repository root
];

describe("a fresh clone with nothing beside it", () => {
  it("when every project file is searched, then none refers to a folder outside the repository", () => {
    const files = projectFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders = files
      .filter((f) => f !== "package-lock.json" && !f.startsWith("k8s/test/schemas/"))
      .flatMap((f) => {
        const text = readRepoFile(f);
        return OUTSIDE.filter((re) => re.test(text)).map((re) => `${f}: ${re}`);
      });
    expect(offenders).toEqual([]);
  });

  it("when the vendored Skaffold schema is hashed, then it is byte-identical to the upstream file its README names", () => {
    const readme = fs.readFileSync(path.join(schemaDir, "README.md"), "utf8");
    const recorded = /sha256\s+`([0-9a-f]{64})`/.exec(readme)?.[1];
    const actual = createHash("sha256")
      .update(fs.readFileSync(path.join(schemaDir, "skaffold-v4beta13.json")))
      .digest("hex");
    expect(actual).toBe(recorded);
    expect(readme).toContain("359a940c1b26e9aecfad508c1e87a679ec86e49b");
    expect(fs.readFileSync(path.join(schemaDir, "LICENSE"), "utf8")).toContain("Apache License");
  });
});
