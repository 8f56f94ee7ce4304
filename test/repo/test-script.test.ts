// scripts/test.sh (`npm test`) with every tool it starts replaced by a stand-in
// that records its arguments: which steps run, in which order, and which ones
// GACHA_STATIC_CHECKS_DONE=1 (ci.yml, after npm ci / lint / typecheck) skips.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "./support";

function runTestScript(env: Record<string, string>): { status: number | null; calls: string[]; output: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "test-sh-"));
  try {
    const bin = path.join(tmp, "bin");
    const log = path.join(tmp, "calls.log");
    fs.mkdirSync(bin);
    for (const tool of ["npm", "npx", "node", "bash"]) {
      fs.writeFileSync(path.join(bin, tool), `#!/bin/sh\necho "${tool} $*" >> "${log}"\n`, { mode: 0o755 });
    }
    const r = spawnSync("/bin/bash", [path.join(repoRoot, "scripts", "test.sh")], {
      env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
      encoding: "utf8",
      timeout: 30_000,
    });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    return { status: r.status, calls, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const STATIC_CHECKS = ["npm run --silent generate", "npx buf lint", "npm run --silent typecheck"];

it("when npm test runs on its own, then it generates, lints the protos and type-checks before jest", () => {
  const { status, calls } = runTestScript({});
  expect(status).toBe(0);
  const order = [...STATIC_CHECKS, "npx jest --ci"].map((c) => calls.indexOf(c));
  expect({ calls, order: order.every((i) => i >= 0) }).toEqual({ calls, order: true });
  expect([...order].sort((a, b) => a - b)).toEqual(order);
});

it("when ci.yml has already run them (GACHA_STATIC_CHECKS_DONE=1), then npm test skips generate, buf lint and tsc and still runs jest and the web tests", () => {
  const { status, calls, output } = runTestScript({ GACHA_STATIC_CHECKS_DONE: "1" });
  expect(status).toBe(0);
  for (const check of STATIC_CHECKS) expect({ check, ran: calls.includes(check) }).toEqual({ check, ran: false });
  expect(calls).toContain("npx jest --ci");
  expect(calls).toContain("bash scripts/test-web.sh");
  expect(output).toContain("already done by this CI job (GACHA_STATIC_CHECKS_DONE=1)");
});
