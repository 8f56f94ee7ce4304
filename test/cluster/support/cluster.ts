// Namespaces, port-forwards and a throwaway copy of the repository for the
// cluster tier. Every test deploys into a namespace of its own, created here
// and deleted in afterAll, so runs never see each other's objects.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { background, kubeContext, kubectl, kubectlJson, kubectlOk, repoRoot, type Background } from "./run";

export async function createNamespace(prefix: string): Promise<string> {
  const name = `gacha-ct-${prefix}-${randomBytes(3).toString("hex")}`;
  await kubectlOk(["create", "namespace", name]);
  await kubectlOk(["label", "namespace", name, "gacha-platform/cluster-tier=true"]);
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(["delete", "namespace", name, "--wait=false", "--ignore-not-found"], { timeoutMs: 60_000 });
}

export interface PortForward {
  port: number;
  url: string;
  proc: Background;
  close(): Promise<void>;
}

/** `kubectl port-forward <target> :<port>` on 127.0.0.1, a free local port chosen by kubectl. */
export async function portForward(ns: string, target: string, remotePort: number): Promise<PortForward> {
  const proc = background(process.env.KUBECTL || "kubectl", [
    ...(kubeContext ? [`--context=${kubeContext}`] : []),
    "-n",
    ns,
    "port-forward",
    "--address=127.0.0.1",
    target,
    `:${remotePort}`,
  ]);
  const m = await proc.waitFor(/Forwarding from 127\.0\.0\.1:(\d+)/, 30_000);
  const port = Number(m[1]);
  return { port, url: `http://127.0.0.1:${port}`, proc, close: async () => void (await proc.stop("SIGTERM", 5_000)) };
}

/**
 * A copy of the repository's files (tracked and untracked, not ignored) in a
 * temporary folder, for tests that edit sources under `skaffold dev` or add a
 * migration: the checkout under test is never modified. Skaffold's inputDigest
 * tags are content hashes, so images built from the checkout are reused.
 */
export function repoCopy(): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-repo-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString()
    .split("\0")
    .filter((f) => f && fs.existsSync(path.join(repoRoot, f)));
  for (const f of files) {
    fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, f), path.join(dir, f));
  }
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The namespace's Deployments as `name -> Available condition status`. */
export async function deploymentsAvailable(ns: string): Promise<Record<string, string>> {
  const { items } = await kubectlJson(["-n", ns, "get", "deployments"]);
  return Object.fromEntries(
    items.map((d) => [d.metadata.name, d.status?.conditions?.find((c) => c.type === "Available")?.status ?? "Unknown"]),
  );
}
