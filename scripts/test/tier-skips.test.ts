// A tier script whose tool is missing must not pass as if it had run: asked for
// (its variable, or CI=true) it fails; otherwise it exits 0 with one line that
// says what did not run. The missing tool is made missing for real: a PATH
// without podman, a Node that reports an unsupported version, no Chromium.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tier-skips-"));
  // A bin folder with just what the scripts need before their tool check: no podman.
  fs.mkdirSync(path.join(tmp, "bin"));
  for (const tool of ["bash", "dirname", "node"]) {
    const found = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    fs.symlinkSync(found, path.join(tmp, "bin", tool));
  }
  // Loaded into every node the scripts start: a Node too old for Vitest 5 and jsdom.
  fs.writeFileSync(path.join(tmp, "old-node.js"), 'Object.defineProperty(process, "version", { value: "v20.0.0" });\n');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (script: string, env: Record<string, string>) => {
  const r = spawnSync("bash", [script], {
    cwd: ROOT,
    env: { HOME: os.homedir(), PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
};

const CASES = [
  {
    script: "scripts/test-containers.sh",
    missing: "podman",
    variable: "GACHA_CONTAINER_TIER",
    env: () => ({ PATH: path.join(tmp, "bin") }),
    says: /podman is not installed/,
  },
  {
    script: "scripts/test-web.sh",
    missing: "a Node that Vitest supports",
    variable: "GACHA_WEB_TIER",
    env: () => ({ NODE_OPTIONS: `--require ${path.join(tmp, "old-node.js")}` }),
    says: /do not support Node v20\.0\.0/,
  },
  {
    script: "scripts/e2e-web.sh",
    missing: "a Node that Vitest supports",
    variable: "GACHA_WEB_TIER",
    env: () => ({ NODE_OPTIONS: `--require ${path.join(tmp, "old-node.js")}` }),
    says: /does not support Node v20\.0\.0/,
  },
  {
    script: "scripts/e2e-web.sh",
    missing: "Chromium",
    variable: "GACHA_WEB_TIER",
    env: () => ({ CHROMIUM_PATH: path.join(tmp, "no-chromium") }),
    says: /no Chromium at .*no-chromium/,
  },
];

describe.each(CASES)("$script without $missing", ({ script, variable, env, says }) => {
  it("when nobody asked for the tier, then it exits 0 with one line saying what did not run", () => {
    const r = run(script, env());
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual([expect.stringMatching(/^SKIPPED: .* did not run: /)]);
    expect(r.stdout).toMatch(says);
  });

  it(`when ${variable}=1 asks for it, then it fails and says why`, () => {
    const r = run(script, { ...env(), [variable]: "1" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^FAILED: .* was requested but cannot run: /);
    expect(r.stderr).toMatch(says);
  });

  it("when CI=true, then it fails and says why", () => {
    const r = run(script, { ...env(), CI: "true" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^FAILED: .* was requested \(CI=true\) but cannot run: /);
    expect(r.stderr).toMatch(says);
  });
});
