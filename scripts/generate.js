#!/usr/bin/env node
// Generates every derived source file: ts-proto stubs (buf generate) and the
// Prisma clients. Run by postinstall, build and test; never edit the output.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
// Each tool's JavaScript entry run by this very node: no shell and no
// node_modules/.bin shims (on Windows those are .cmd files execFileSync cannot run).
const BUF = require.resolve("@bufbuild/buf/bin/buf");
const PRISMA = require.resolve("prisma/build/index.js");
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  // `prisma generate` does not run the schema engine, but the CLI refuses to
  // start without one; offline it cannot be downloaded, so point at a stub.
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(__dirname, "no-schema-engine.sh"),
};
const run = (script, args) => execFileSync(process.execPath, [script, ...args], { cwd: root, env, stdio: "inherit" });

run(BUF, ["generate"]);
for (const db of ["gacha", "item", "auth"]) {
  run(PRISMA, ["generate", "--config", `prisma/${db}/prisma.config.ts`]);
}
