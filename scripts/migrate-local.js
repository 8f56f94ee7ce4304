#!/usr/bin/env node
// `npm run migrate`: creates the gacha, item and auth databases if missing and applies their
// migrations, with the same URLs the services use locally. When nothing answers on the local
// default address it first starts compose.yaml's db (scripts/local-db.js).
"use strict";
require("./preflight").preflight("npm run migrate");
const { spawnSync } = require("node:child_process");
const path = require("node:path");
const { LocalDbError, databaseUrls, ensureLocalDatabase } = require("./local-db");

const root = path.resolve(__dirname, "..");
// A MySQL container's first start (initialising its data directory) takes longer than the
// migrator's default wait when compose cannot wait for the health check itself (podman-compose).
const FIRST_START_WAIT_SECONDS = "180";

/** Exit status: 0, or non-zero after one message (the migrator's, or ours) on stderr. */
async function migrateLocal(baseEnv = process.env) {
  let env;
  try {
    env = { ...baseEnv, ...databaseUrls(baseEnv) };
    const db = await ensureLocalDatabase(env);
    if (db.started && !db.compose.wait) env.MIGRATE_DATABASE_WAIT_SECONDS ??= FIRST_START_WAIT_SECONDS;
  } catch (err) {
    if (!(err instanceof LocalDbError)) throw err;
    console.error(err.message);
    return 1;
  }
  // This node with tsx's loader (as nodemon runs the services): no shell and no
  // node_modules/.bin shim, which on Windows is a .cmd file spawnSync cannot run.
  for (const db of ["gacha", "item", "auth"]) {
    const r = spawnSync(
      process.execPath,
      [
        "--conditions=development",
        "--require=tsx/cjs",
        "packages/migrate/src/cli.ts",
        "deploy",
        "--create-database",
        "--migrations",
        `prisma/${db}/migrations`,
        "--url-env",
        `${db.toUpperCase()}_DATABASE_URL`,
      ],
      { cwd: root, env, stdio: "inherit" },
    );
    // The migrator has printed its one-line reason; a stack trace of this spawn would add nothing.
    if (r.error) {
      console.error(`npm run migrate: could not run the migrator: ${r.error.message}`);
      return 1;
    }
    if (r.status !== 0) return r.status ?? 1;
  }
  return 0;
}

if (require.main === module) {
  migrateLocal().then((code) => process.exit(code));
}

module.exports = { migrateLocal };
