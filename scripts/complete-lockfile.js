#!/usr/bin/env node
// Adds the lockfile entries of optional platform packages (other OSes' and
// CPUs' builds of buf, the jest resolver, ...) that `npm install` could not
// record because this machine's registry mirror does not carry them. Without
// them `npm ci` refuses the lockfile ("Missing: ... from lock file") on every
// machine. npm never downloads an optional package whose os/cpu does not match
// the machine, so each entry states them, inferred from the package name the
// way these packages are named. Run after `npm install` changes the lockfile.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const lockPath = path.join(__dirname, "..", "package-lock.json");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
const pkgs = lock.packages;

const OS = ["darwin", "linux", "win32", "freebsd", "android", "openharmony", "sunos", "aix", "openbsd", "netbsd"];
const CPU = { arm64: "arm64", aarch64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", armv7: "arm", loong64: "loong64", ppc64: "ppc64", riscv64: "riscv64", s390x: "s390x", mips64el: "mips64el" };

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  const libc = parts.some((p) => p.startsWith("musl")) ? "musl" : parts.some((p) => p === "gnu" || p.startsWith("gnueabi")) ? "glibc" : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [where, entry] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = where === "" ? "node_modules" : `${where}/node_modules`;
    const candidates = [`${base}/${dep}`, `node_modules/${dep}`];
    if (candidates.some((c) => pkgs[c])) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(version)) {
      console.warn(`skipped ${dep}@${version}: cannot infer its platform`);
      continue;
    }
    const file = dep.split("/").pop();
    pkgs[`node_modules/${dep}`] = {
      version,
      resolved: `https://registry.npmjs.org/${dep}/-/${file}-${version}.tgz`,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`added ${added} optional platform entr${added === 1 ? "y" : "ies"}`);
