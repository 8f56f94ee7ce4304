#!/usr/bin/env node
// Finds the program that renders the kustomize overlays for the tests: the
// user's kubectl or kustomize when recent enough (rules and reasons in
// kustomize-versions.js), else the Linux x64 download. Plain Node, so it
// behaves the same on macOS, Linux and WSL.
//
// Used by k8s/test/support/repo.ts (renderDir) and by scripts/test.sh, which
// runs it once with --print-env (`export KUBECTL=…` or `export KUSTOMIZE=…`)
// so that every jest worker reuses the answer (a set variable wins).
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { chooseKustomize } = require("./kustomize-versions");

const VERSION_ARGS = { kubectl: ["version", "--client", "-o", "json"], kustomize: ["version"] };

/** First `name` on PATH (with PATHEXT on Windows), or undefined. */
function which(name, env = process.env) {
  const exts = process.platform === "win32" ? (env.PATHEXT || ".EXE").split(";") : [""];
  for (const dir of (env.PATH || "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

function version(tool, bin) {
  try {
    return execFileSync(bin, VERSION_ARGS[tool], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 20_000,
    });
  } catch {
    return undefined;
  }
}

/** { tool: "kubectl" | "kustomize", bin, why }; downloads kubectl if that is the only way; throws if none. */
function findKustomize({ env = process.env, log = (m) => process.stderr.write(`find-kustomize: ${m}\n`) } = {}) {
  const choice = chooseKustomize({
    env,
    platform: process.platform,
    arch: process.arch,
    which: (n) => which(n, env),
    version,
  });
  for (const note of choice.notes) log(note);
  if (choice.tool === "none") throw new Error(choice.why);
  if (choice.tool === "download") {
    log(choice.why);
    const bin = require("./download-kubectl").downloadKubectl({ log });
    return { tool: "kubectl", bin, why: `downloaded kubectl: ${bin}` };
  }
  return { tool: choice.tool, bin: choice.bin, why: choice.why };
}

/** Arguments that render a kustomization directory with the chosen tool. */
const renderArgs = (tool, dir) => (tool === "kubectl" ? ["kustomize", dir] : ["build", dir]);

module.exports = { findKustomize, renderArgs, which };

if (require.main === module) {
  try {
    const found = findKustomize();
    process.stderr.write(`find-kustomize: using ${found.why}\n`);
    if (process.argv.includes("--print-env")) {
      const variable = found.tool === "kubectl" ? "KUBECTL" : "KUSTOMIZE";
      process.stdout.write(`export ${variable}='${found.bin.replace(/'/g, "'\\''")}'\n`);
    } else {
      process.stdout.write(`${JSON.stringify(found)}\n`);
    }
  } catch (err) {
    process.stderr.write(`find-kustomize: ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  }
}
