// skaffold's manual sync, reproduced from skaffold.yaml: which rule a changed
// file matches and where it lands (pkg/skaffold/sync: first matching rule;
// dest + path relative to the artifact context, minus `strip`; a relative dest
// is joined to the image's WORKDIR), and the copy itself: a tar stream extracted
// inside the container by `tar xmf - -C / --no-same-owner` as the container user.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { globMatch } from "../../../k8s/test/support/glob";
import { skaffoldConfig, type SkaffoldArtifact, type SyncRule } from "../../../k8s/test/support/repo";
import { podmanRaw, type AnyService } from "./podman";

export function artifact(svc: AnyService): SkaffoldArtifact {
  const a = skaffoldConfig().build?.artifacts?.find((x) => x.image === svc);
  if (!a) throw new Error(`skaffold.yaml has no artifact ${svc}`);
  return a;
}

/**
 * Container path skaffold syncs `file` (repo-relative) to, or undefined when no
 * rule matches (then skaffold rebuilds, if the file is a build dependency).
 */
export function syncDestination(svc: AnyService, file: string, imageWorkdir = "/"): string | undefined {
  const a = artifact(svc);
  const context = path.posix.normalize(a.context ?? ".");
  const rel = context === "." ? file : path.posix.relative(context, file);
  if (rel.startsWith("..")) return undefined;
  const rule = (a.sync?.manual ?? []).find((r: SyncRule) => globMatch(r.src, rel));
  if (!rule) return undefined;
  const stripped = rule.strip && rel.startsWith(rule.strip) ? rel.slice(rule.strip.length) : rel;
  return path.posix.isAbsolute(rule.dest)
    ? path.posix.join(rule.dest, stripped)
    : path.posix.join(imageWorkdir, rule.dest, stripped);
}

/** A tar stream with one entry per file, named by its container path (as skaffold's CreateMappedTar). */
export function syncTar(files: { content: string | Buffer; dest: string }[]): Buffer {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-sync-"));
  try {
    const names: string[] = [];
    for (const f of files) {
      const rel = f.dest.replace(/^\/+/, "");
      fs.mkdirSync(path.join(stage, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(stage, rel), f.content, { mode: 0o644 });
      names.push(rel);
    }
    return execFileSync("tar", ["-C", stage, "-cf", "-", "--", ...names], { maxBuffer: 64 * 1024 * 1024 });
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** What skaffold runs: `<exec> -i <ctr> tar xmf - -C / --no-same-owner`, as the image's user. Returns ms. */
export async function syncInto(
  container: string,
  user: string,
  files: { content: string | Buffer; dest: string }[],
): Promise<number> {
  const tarball = syncTar(files);
  const r = await podmanRaw(["exec", "-i", "-u", user, container, "tar", "xmf", "-", "-C", "/", "--no-same-owner"], {
    input: tarball,
    timeoutMs: 30_000,
  });
  if (r.code !== 0) throw new Error(`sync into ${container} failed (exit ${r.code}): ${r.stderr}`);
  return r.ms;
}
