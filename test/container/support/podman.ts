// podman through child_process, every call bounded in time. Everything this
// tier creates is named `gacha-ct-<run>-...` and registered for cleanup.
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { skaffoldConfig } from "../../../k8s/test/support/repo";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");
/** The services a draw crosses, each with a reload edit (support/edits.ts, which bench:reload iterates too). */
export const SERVICES = ["gacha", "item", "gateway"] as const;
export type Service = (typeof SERVICES)[number];
/**
 * Every service image: those plus auth, which signs the users up and in and serves the JWKS the
 * gateway verifies tokens with. gacha first: the others then take its deps stage (npm ci) from the cache.
 */
export const ALL_SERVICES = ["gacha", "item", "auth", "gateway"] as const;
export type AnyService = (typeof ALL_SERVICES)[number];
export type Target = "dev" | "prod";

/** Image names of this tier (never pushed; skaffold would use its own tags). */
export const imageName = (svc: AnyService, target: Target) => `localhost/gacha-ct/${svc}:${target}`;
export const MARIADB_IMAGE = "localhost/gacha-ct/mariadb:10.11";

/** podman-env.sh's settings, in case the caller did not source it. */
const env = {
  ...process.env,
  CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(repoRoot, "scripts/containers/containers.conf"),
  BUILDAH_FORMAT: process.env.BUILDAH_FORMAT ?? "docker",
};

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs podman with a hard timeout; resolves with the exit code (never throws on non-zero). */
export function podmanRaw(
  args: string[],
  opts: { timeoutMs?: number; input?: Buffer | string } = {},
): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = execFile(
      "podman",
      args,
      {
        env,
        cwd: repoRoot,
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
        maxBuffer: 256 * 1024 * 1024,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        const ms = Date.now() - t0;
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        if (e && e.killed)
          return reject(new Error(`podman ${args.slice(0, 3).join(" ")}… timed out after ${ms} ms\n${stderr}`));
        if (e && typeof e.code !== "number") return reject(e);
        resolve({ code: e ? Number(e.code) : 0, stdout, stderr, ms });
      },
    );
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/** Runs podman and throws (with its stderr) unless it exits 0; returns trimmed stdout. */
export async function podman(
  args: string[],
  opts: { timeoutMs?: number; input?: Buffer | string } = {},
): Promise<string> {
  const r = await podmanRaw(args, opts);
  if (r.code !== 0)
    throw new Error(`podman ${args.join(" ")} exited ${r.code}\n${r.stderr.slice(-4000)}${r.stdout.slice(-2000)}`);
  return r.stdout.trim();
}

export async function imageExists(image: string): Promise<boolean> {
  return (await podmanRaw(["image", "exists", image], { timeoutMs: 20_000 })).code === 0;
}

export interface BuildReport {
  image: string;
  ms: number;
  cachedSteps: number;
  steps: number;
  /** whether the deps stage's `npm ci` layer came from the cache */
  npmCiCached: boolean;
}

/**
 * Builds a service image exactly as skaffold's docker builder would: context =
 * repo root, the artifact's Dockerfile (services/node.Dockerfile for the Node
 * services, services/web/Dockerfile) with its build args (SERVICE=<svc>) and
 * `--target <target>`; podman reads <Dockerfile>.dockerignore. --layers keeps
 * the shared deps stage cached.
 */
export async function buildServiceImage(svc: AnyService, target: Target, timeoutMs = 480_000): Promise<BuildReport> {
  const a = skaffoldConfig().build?.artifacts?.find((x) => x.image === svc);
  if (!a?.docker?.dockerfile) throw new Error(`artifact ${svc} not in skaffold.yaml`);
  return buildFromRepoRoot(a.docker.dockerfile, target, imageName(svc, target), timeoutMs, a.docker.buildArgs);
}

/** `podman build` of one target of a Dockerfile with the repo root as context, as skaffold's docker builder does. */
export async function buildFromRepoRoot(
  dockerfile: string,
  target: string,
  image: string,
  timeoutMs: number,
  buildArgs: Record<string, string> = {},
): Promise<BuildReport> {
  const args = Object.entries(buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]);
  const r = await podmanRaw(
    [
      "build",
      "--pull=never",
      "--network",
      "host",
      "--layers",
      ...args,
      "-f",
      dockerfile,
      "--target",
      target,
      "-t",
      image,
      ".",
    ],
    { timeoutMs },
  );
  if (r.code !== 0)
    throw new Error(`building ${image} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-6000)}`);
  const lines = r.stdout.split("\n");
  const ci = lines.findIndex((l) => /STEP \d+\/\d+: RUN .*\bnpm ci\b/.test(l));
  return {
    image,
    ms: r.ms,
    cachedSteps: lines.filter((l) => l.startsWith("--> Using cache ")).length,
    steps: lines.filter((l) => /STEP \d+\/\d+/.test(l)).length,
    npmCiCached: ci >= 0 && (lines[ci + 1] ?? "").startsWith("--> Using cache "),
  };
}

/** The MySQL-compatible stand-in (test/container/mariadb); --layers: after the first build a cache hit. */
export async function buildMariadbImage(): Promise<BuildReport> {
  const r = await podmanRaw(
    ["build", "--pull=never", "--network", "host", "--layers", "-t", MARIADB_IMAGE, "test/container/mariadb"],
    { timeoutMs: 300_000 },
  );
  if (r.code !== 0)
    throw new Error(`building ${MARIADB_IMAGE} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-6000)}`);
  return { image: MARIADB_IMAGE, ms: r.ms, cachedSteps: 0, steps: 0, npmCiCached: false };
}

export async function imageInfo(image: string): Promise<{ size: number; user: string; workdir: string }> {
  const [info] = JSON.parse(await podman(["image", "inspect", image])) as {
    Size: number;
    Config: { User?: string; WorkingDir?: string };
  }[];
  return { size: info!.Size, user: info!.Config.User ?? "", workdir: info!.Config.WorkingDir ?? "/" };
}

/** A scope that owns containers and networks and removes all of them, whatever happened. */
export class Scope {
  // GACHA_CT_RUN (set by scripts/test-containers.sh) prefixes every name, so the
  // script can remove what a killed run left behind
  readonly id = `${process.env.GACHA_CT_RUN ?? "gacha-ct"}-${process.pid}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  private containers: string[] = [];
  private networks: string[] = [];
  private after: (() => void)[] = [];

  /** Runs `fn` at cleanup (e.g. removing a temp folder). */
  onCleanup(fn: () => void): void {
    this.after.push(fn);
  }

  name(suffix: string): string {
    return `${this.id}-${suffix}`;
  }

  async network(): Promise<string> {
    const name = this.name("net");
    this.networks.push(name);
    await podman(["network", "create", name], { timeoutMs: 30_000 });
    return name;
  }

  /** `podman run -d` (or a foreground run when `wait`); the container is registered before it starts. */
  async run(name: string, args: string[], opts: { wait?: boolean; timeoutMs?: number } = {}): Promise<RunResult> {
    this.containers.push(name);
    const r = await podmanRaw(["run", opts.wait ? "--rm=false" : "-d", "--name", name, ...args], {
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
    return r;
  }

  async cleanup(): Promise<void> {
    for (const c of this.containers.reverse())
      await podmanRaw(["rm", "-f", "-t", "2", c], { timeoutMs: 30_000 }).catch(() => undefined);
    for (const n of this.networks.reverse())
      await podmanRaw(["network", "rm", "-f", n], { timeoutMs: 30_000 }).catch(() => undefined);
    for (const fn of this.after.reverse()) {
      try {
        fn();
      } catch {
        /* best effort */
      }
    }
    this.containers = [];
    this.networks = [];
    this.after = [];
  }
}

/** Host port that podman published for a container port (127.0.0.1 only). */
export async function publishedPort(container: string, port: number): Promise<number> {
  const out = await podman(["port", container, `${port}/tcp`]);
  const m = /^127\.0\.0\.1:(\d+)$/m.exec(out);
  if (!m) throw new Error(`${container}:${port} is not published on 127.0.0.1 (podman port: ${out})`);
  return Number(m[1]);
}

export const logsOf = async (container: string) => {
  const r = await podmanRaw(["logs", "--tail", "80", container], { timeoutMs: 20_000 }).catch((e: Error) => ({
    stdout: "",
    stderr: e.message,
  }));
  return `${r.stdout}${r.stderr}`;
};

/** Spawns a long-running podman process (e.g. `logs -f`), killed by the returned function. */
export function podmanStream(args: string[], onData: (chunk: string) => void): () => void {
  const child = spawn("podman", args, { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  return () => {
    child.kill("SIGKILL");
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `check` until it returns a truthy value, at most `timeoutMs`; throws with `what` otherwise. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (let i = 0; i < 100_000; i++) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) break;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
