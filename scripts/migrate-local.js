#!/usr/bin/env node
// `npm run migrate`: creates the gacha, item and auth databases if missing and
// applies their migrations, with the same URLs the services use locally.
"use strict";
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const env = {
  GACHA_DATABASE_URL: "mysql://root@127.0.0.1:3306/gacha",
  ITEM_DATABASE_URL: "mysql://root@127.0.0.1:3306/item",
  AUTH_DATABASE_URL: "mysql://root@127.0.0.1:3306/auth",
  ...process.env,
};
// This node with tsx's loader (as nodemon runs the services): no shell and no
// node_modules/.bin shim, which on Windows is a .cmd file execFileSync cannot run.
for (const db of ["gacha", "item", "auth"]) {
  execFileSync(
    process.execPath,
    [
      "--conditions=development",
      "--import=tsx",
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
}
