// Running a workflow step's `run:` script the way a GitHub-hosted Linux runner
// does, with stand-in commands first on PATH, to check what the script does
// when a tool fails or prints little. Shells per GitHub's workflow syntax
// (jobs.<job_id>.steps[*].shell): unset -> `bash -e {0}`; bash ->
// `bash --noprofile --norc -eo pipefail {0}`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
export interface Job {
  "runs-on": string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  env?: Record<string, string | number>;
  defaults?: { run?: { shell?: string } };
  strategy?: { "fail-fast"?: boolean; matrix?: { include?: Record<string, string>[]; [axis: string]: unknown } };
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[]; options?: string }>;
  steps: Step[];
}
export interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}

const SHELLS: Record<string, string[]> = {
  default: ["-e"],
  bash: ["--noprofile", "--norc", "-eo", "pipefail"],
};

/** The shell a step runs in: the step's own, else the job's, else the workflow's default. */
export function stepShell(wf: Workflow, job: Job, step: Step): string {
  return step.shell ?? job.defaults?.run?.shell ?? wf.defaults?.run?.shell ?? "default";
}

export interface StepResult {
  status: number | null;
  output: string;
}

/**
 * Runs the step's script with bash as the runner would, in `cwd`, with
 * executables from `stubs` (name -> bash script body) first on PATH.
 */
export function runStep(
  wf: Workflow,
  job: Job,
  step: Step,
  opts: { cwd: string; stubs: Record<string, string>; env?: Record<string, string> },
): StepResult {
  const shell = stepShell(wf, job, step);
  const flags = SHELLS[shell];
  if (!flags) throw new Error(`step ${step.name}: shell ${shell} is not one this helper runs`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-step-"));
  try {
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    for (const [name, body] of Object.entries(opts.stubs)) {
      fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    }
    const script = path.join(tmp, "step.sh");
    fs.writeFileSync(script, step.run ?? "");
    const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, String(v)]));
    const r = spawnSync("/bin/bash", [...flags, script], {
      cwd: opts.cwd,
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        RUNNER_TEMP: tmp,
        ...(wf.env ?? {}),
        ...jobEnv,
        ...(step.env ?? {}),
        ...(opts.env ?? {}),
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
