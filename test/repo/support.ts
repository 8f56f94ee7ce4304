// Reading the repository's own config files (dev container, GitHub workflows)
// for the tests in this folder.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import YAML from "yaml";

export const repoRoot = path.resolve(__dirname, "..", "..");

export function readText(relPath: string): string {
  return fs.readFileSync(path.join(repoRoot, relPath), "utf8");
}

export function readYaml<T>(relPath: string): T {
  return YAML.parse(readText(relPath)) as T;
}

/**
 * A Compose file: Compose's own tags (`!reset`, `!override`) are read as the plain value they
 * carry; the tests check the tags on the text.
 */
export function readCompose<T>(relPath: string): T {
  return YAML.parse(readText(relPath), { logLevel: "error" }) as T;
}

/** devcontainer.json is JSON with comments: TypeScript's tsconfig reader parses it. */
export function readJsonc<T>(relPath: string): T {
  const { config, error } = ts.parseConfigFileTextToJson(relPath, readText(relPath));
  if (error) throw new Error(`${relPath}: ${ts.flattenDiagnosticMessageText(error.messageText, "\n")}`);
  return config as T;
}

/** "2.17.2", "v1.34.5": a full version, not a floating one ("latest", "3", "1.34"). */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+$/;

/** -1, 0 or 1, comparing "v2.17.2"-style versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, "").split(".").map(Number);
  const pb = b.replace(/^v/, "").split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The image of the dev cluster's MySQL StatefulSet (k8s/components/mysql). */
export function clusterMysqlImage(): string {
  const sts = readYaml<{ spec: { template: { spec: { containers: { name: string; image: string }[] } } } }>(
    "k8s/components/mysql/statefulset.yaml",
  );
  const mysql = sts.spec.template.spec.containers.find((c) => c.name === "mysql");
  if (!mysql) throw new Error("k8s/components/mysql/statefulset.yaml has no container named mysql");
  return mysql.image;
}
