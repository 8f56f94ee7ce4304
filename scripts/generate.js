#!/usr/bin/env node
// Generates every derived source file: ts-proto stubs (buf generate) and the
// two Prisma clients. Run by postinstall, build and test; never edit the output.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const env = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  // `prisma generate` does not run the schema engine, but the CLI refuses to
  // start without one; offline it cannot be downloaded, so point at a stub.
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(__dirname, "no-schema-engine.sh"),
};
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, env, stdio: "inherit" });

run(bin("buf"), ["generate"]);
for (const db of ["gacha", "item"]) {
  run(bin("prisma"), ["generate", "--config", `prisma/${db}/prisma.config.ts`]);
}
