// The web image (services/web/Dockerfile) for the container tier, and Debian's
// Chromium (playwright-core, never a downloaded browser) to look at the page
// (the cluster tier's HMR test uses it too).
import { chromium, type Browser } from "playwright-core";
import { buildFromRepoRoot, type BuildReport } from "./podman";

export type WebTarget = "dev" | "prod";
export const webImage = (target: WebTarget) => `localhost/gacha-ct/web:${target}`;

/** Builds a web target as skaffold's docker builder would: context = repo root, -f services/web/Dockerfile. */
export async function buildWebImage(target: WebTarget, timeoutMs = 600_000): Promise<BuildReport> {
  return buildFromRepoRoot("services/web/Dockerfile", target, webImage(target), timeoutMs);
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
