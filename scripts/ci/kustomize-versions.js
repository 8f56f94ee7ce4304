// Which kubectl / kustomize can render this repository's overlays, decided
// from their version output alone (pure functions: unit-tested with canned
// outputs in k8s/test/kustomize-tool.test.ts).
//
// The floor is kustomize v5.2.1. It was set when an overlay held several
// strategic-merge patches in one file, which the `patches:` field accepts only
// since kustomize PR #5194 (first released in kustomize/v5.2.0 = v5.2.1);
// kubectl 1.27-1.30 bundle kustomize v5.0.x and failed on it. The per-module
// overlays (k8s/overlays/<env>/<module>) no longer have such a file, but older
// versions are not tested here, so the floor stays: kubectl 1.31 bundles v5.4.2
// and renders the overlays exactly as 1.34 (v5.7.1) does.
"use strict";

const MIN_KUSTOMIZE = [5, 2, 1];
const MIN_KUBECTL_MINOR = 31;
const REQUIREMENT = `kubectl >= 1.${MIN_KUBECTL_MINOR} (bundles kustomize >= ${MIN_KUSTOMIZE.join(".")}) or kustomize >= ${MIN_KUSTOMIZE.join(".")}`;

/** "v5.7.1", "kustomize/v4.5.7", "{Version:kustomize/v4.5.7 GitCommit:…}" -> [5, 7, 1]; undefined if none. */
function parseSemver(text) {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(String(text ?? ""));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function atLeast(version, floor) {
  for (let i = 0; i < floor.length; i++) {
    if (version[i] !== floor[i]) return version[i] > floor[i];
  }
  return true;
}

/**
 * `kubectl version --client -o json` -> { kubectl, kustomize } as "1.34.5" / "5.7.1" strings.
 * kubectl < 1.24 prints no kustomizeVersion (kustomize is then undefined).
 */
function parseKubectlVersion(json) {
  let data;
  try {
    data = JSON.parse(json);
  } catch {
    return { kubectl: undefined, kustomize: undefined };
  }
  const kubectl = parseSemver(data?.clientVersion?.gitVersion);
  const kustomize = parseSemver(data?.kustomizeVersion);
  return { kubectl: kubectl?.join("."), kustomize: kustomize?.join(".") };
}

/** `kustomize version` (v5: "v5.7.1"; v4: "{Version:kustomize/v4.5.7 …}") -> "5.7.1" or undefined. */
function parseKustomizeVersion(text) {
  return parseSemver(text)?.join(".");
}

/** Is this kubectl's bundled kustomize recent enough? { ok, why } */
function judgeKubectl(versionJson) {
  const v = parseKubectlVersion(versionJson);
  if (!v.kubectl) return { ok: false, why: "its `kubectl version --client -o json` output could not be read" };
  const label = `kubectl ${v.kubectl}` + (v.kustomize ? ` (kustomize ${v.kustomize})` : " (no kustomize version)");
  if (v.kustomize && atLeast(parseSemver(v.kustomize), MIN_KUSTOMIZE)) return { ok: true, why: label };
  return { ok: false, why: `${label} is too old: need ${REQUIREMENT}` };
}

/** Is this standalone kustomize recent enough? { ok, why } */
function judgeKustomize(versionText) {
  const v = parseKustomizeVersion(versionText);
  if (!v) return { ok: false, why: `its version (${JSON.stringify(String(versionText).trim())}) could not be read` };
  if (atLeast(parseSemver(v), MIN_KUSTOMIZE)) return { ok: true, why: `kustomize ${v}` };
  return { ok: false, why: `kustomize ${v} is too old: need ${REQUIREMENT}` };
}

/** The download fallback ships a Linux x64 kubectl only. */
function canDownload(platform, arch) {
  return platform === "linux" && arch === "x64";
}

/**
 * Which tool renders the overlays. Pure: `which(name)` finds a program on PATH
 * and `version(tool, bin)` returns its version output (undefined if it fails).
 * Order: KUBECTL, KUSTOMIZE (set by the user: they win), kubectl on PATH,
 * kustomize on PATH, the download (Linux x64), else an error saying what to install.
 * -> { tool: "kubectl" | "kustomize" | "download" | "none", bin?, why, notes[] }
 */
function chooseKustomize({ env, platform, arch, which, version }) {
  const notes = [];
  const probe = (tool, bin) =>
    tool === "kubectl" ? judgeKubectl(version("kubectl", bin)) : judgeKustomize(version("kustomize", bin));
  for (const [variable, tool] of [
    ["KUBECTL", "kubectl"],
    ["KUSTOMIZE", "kustomize"],
  ]) {
    const bin = env[variable];
    if (!bin) continue;
    const verdict = probe(tool, bin);
    if (!verdict.ok)
      notes.push(`warning: ${variable}=${bin}: ${verdict.why}; using it anyway because ${variable} is set`);
    return { tool, bin, why: `${variable}=${bin}: ${verdict.why}`, notes };
  }
  for (const tool of ["kubectl", "kustomize"]) {
    const bin = which(tool);
    if (!bin) continue;
    const verdict = probe(tool, bin);
    if (verdict.ok) return { tool, bin, why: `${bin} on PATH: ${verdict.why}`, notes };
    notes.push(`not using ${bin} on PATH: ${verdict.why}`);
  }
  if (canDownload(platform, arch)) {
    return {
      tool: "download",
      why: "no recent enough kubectl or kustomize on PATH: using the downloadable kubectl 1.34 (Linux x64)",
      notes,
    };
  }
  const why =
    `No kubectl or kustomize recent enough to render k8s/overlays: install ${REQUIREMENT} and put it on PATH ` +
    `(or set KUBECTL=/path/to/kubectl or KUSTOMIZE=/path/to/kustomize). ` +
    `The automatic download exists for Linux x64 only; this is ${platform}/${arch}.`;
  return { tool: "none", why, notes };
}

module.exports = {
  chooseKustomize,
  MIN_KUSTOMIZE,
  MIN_KUBECTL_MINOR,
  REQUIREMENT,
  parseKubectlVersion,
  parseKustomizeVersion,
  judgeKubectl,
  judgeKustomize,
  canDownload,
};
