// Child processes for the cluster tier: kubectl and skaffold against the
// kube-context the environment names, bounded in time, output captured.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const repoRoot = path.resolve(__dirname, "../../..");

/** The kube-context under test: GACHA_CLUSTER_CONTEXT, else kubectl's current context. */
export const kubeContext = process.env.GACHA_CLUSTER_CONTEXT || undefined;
const KUBECTL = process.env.KUBECTL || "kubectl";
const SKAFFOLD = process.env.SKAFFOLD || "skaffold";

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion (SIGTERM, then SIGKILL, at the deadline). Never throws on exit codes. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<Result> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[test] ${cmd} ${args.join(" ")}: killed after ${opts.timeoutMs} ms`;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
    }, opts.timeoutMs ?? 60_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${cmd}: ${err.message} (is it on PATH? scripts/cluster/up.sh --print-env)`));
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - t0 });
    });
    child.stdin.end(opts.input ?? "");
  });
}

const contextArgs = (flag: string) => (kubeContext ? [`${flag}=${kubeContext}`] : []);

export const kubectl = (args: string[], opts?: RunOptions) =>
  run(KUBECTL, [...contextArgs("--context"), ...args], opts);

/** kubectl that must succeed: returns stdout, throws with stderr otherwise. */
export async function kubectlOk(args: string[], opts?: RunOptions): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export async function kubectlJson<T = KubeList>(args: string[]): Promise<T> {
  return JSON.parse(await kubectlOk([...args, "-o", "json"]));
}

/** The parts of `kubectl get -o json` output the tests read. */
export interface KubeObject {
  metadata: { name: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name: string; restartCount: number; state: { running?: { startedAt: string } } }[];
  };
}
export interface KubeList {
  items: KubeObject[];
}

export const skaffold = (args: string[], opts?: RunOptions) =>
  run(SKAFFOLD, [...args, ...contextArgs("--kube-context")], opts);

/** A long-running child (skaffold dev, port-forward) whose output is kept for assertions. */
export interface Background {
  child: ChildProcess;
  output(): string;
  /** resolves when `pattern` appears in the output after `from` (an offset into output()) */
  waitFor(pattern: RegExp, timeoutMs: number, from?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

export function background(cmd: string, args: string[], opts: RunOptions = {}): Background {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() reaches what it started
  });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((r) => child.on("close", (c) => r((exitCode = c))));
  return {
    child,
    output: () => out,
    waitFor(pattern, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.slice(from).match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (exitCode !== undefined) {
            done();
            reject(new Error(`${cmd} exited (${exitCode}) before ${pattern} appeared:\n${out.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${pattern} did not appear within ${timeoutMs} ms; last output:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(check);
        check();
      });
    },
    async stop(signal = "SIGINT", graceMs = 120_000) {
      if (exitCode !== undefined) return exitCode;
      try {
        process.kill(-child.pid!, signal);
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* already gone */
        }
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function eventually<T>(check: () => Promise<T>, timeoutMs: number, intervalMs = 500): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}
