// The web image (services/web/Dockerfile) for the container tier: build, the
// skaffold sync destination of a web file, and Debian's Chromium (playwright-core,
// never a downloaded browser) to look at the page.
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { globMatch } from "../../../k8s/test/support/glob";
import { skaffoldConfig } from "../../../k8s/test/support/repo";
import { buildFromRepoRoot, type BuildReport } from "./podman";

export type WebTarget = "dev" | "prod";
export const webImage = (target: WebTarget) => `localhost/gacha-ct/web:${target}`;

/** Builds a web target as skaffold's docker builder would: context = repo root, -f services/web/Dockerfile. */
export async function buildWebImage(target: WebTarget, timeoutMs = 600_000): Promise<BuildReport> {
  return buildFromRepoRoot("services/web/Dockerfile", target, webImage(target), timeoutMs);
}

/** Where skaffold.yaml's `web` artifact syncs a repo-relative file (first matching rule), or undefined. */
export function webSyncDestination(file: string): string | undefined {
  const a = skaffoldConfig().build?.artifacts?.find((x) => x.image === "web");
  if (!a) throw new Error("skaffold.yaml has no artifact web");
  const context = path.posix.normalize(a.context ?? ".");
  const rel = context === "." ? file : path.posix.relative(context, file);
  const rule = (a.sync?.manual ?? []).find((r) => globMatch(r.src, rel));
  if (!rule) return undefined;
  const stripped = rule.strip && rel.startsWith(rule.strip) ? rel.slice(rule.strip.length) : rel;
  return path.posix.join(rule.dest, stripped);
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
