#!/usr/bin/env node
// `npm run dev`: checks that it can run (scripts/preflight.js, the ports), makes sure there is a
// database and migrates it (scripts/migrate-local.js, which may start compose.yaml's db), then
// runs the services on this machine, each under nodemon + tsx, so saving a .ts file restarts only
// the service it belongs to (a change in packages/ restarts all of them), and Vite for the page.
"use strict";
require("./preflight").preflight("npm run dev");
const concurrently = require("concurrently").default ?? require("concurrently");
const { busyDevPorts, portOf } = require("./dev-ports");
const { ensureDevSigningKey } = require("./dev-signing-key");
const { migrateLocal } = require("./migrate-local");

// Loopback unless DEV_HOST widens it (e.g. DEV_HOST=0.0.0.0 to try the page from a phone):
// on a café network the dev API, with reflection on, should not be reachable by others.
const host = process.env.DEV_HOST ?? "127.0.0.1";
// Where the services reach each other: the interface they bind, or loopback for a wildcard.
const peer = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
const base = process.env;
// Defaults for a person at a terminal; anything already set wins.
const env = {
  LOG_FORMAT: "pretty",
  // nodemon restarts on every save: the HTTP services close idle keep-alive connections at
  // once (prod waits 1 s for a client racing a rolling update; docs/hot-reload.md)
  SHUTDOWN_IDLE_GRACE_MS: "0",
  GRPC_REFLECTION: "true",
  HOST: host,
  GRPC_HOST: host,
  WEB_HOST: host,
  GACHA_SERVICE_ADDR: `${peer}:${portOf(base, "GACHA_GRPC_PORT", 50051)}`,
  ITEM_SERVICE_ADDR: `${peer}:${portOf(base, "ITEM_GRPC_PORT", 50052)}`,
  GATEWAY_URL: `http://${peer}:${portOf(base, "PORT", 8080)}`,
  AUTH_URL: `http://${peer}:${portOf(base, "AUTH_PORT", 8081)}`,
  AUTH_JWKS_URL: `http://${peer}:${portOf(base, "AUTH_PORT", 8081)}/.well-known/jwks.json`,
  AUTH_SIGNING_KEY_FILE: base.AUTH_SIGNING_KEY_FILE ?? ensureDevSigningKey(),
  ...base,
};
const services = [
  { name: "item", prefixColor: "blue" },
  { name: "gacha", prefixColor: "magenta" },
  { name: "gateway", prefixColor: "green" },
  // sign-up, sign-in and the JWKS (the page reaches it through Vite's /auth proxy)
  { name: "auth", prefixColor: "yellow" },
  // Vite's dev server (HMR), proxying the API paths to the gateway and /auth to auth
  { name: "web", prefixColor: "cyan" },
];

async function main() {
  const busy = await busyDevPorts(env);
  if (busy.length > 0) {
    for (const line of busy) console.error(line);
    return 1;
  }
  const migrated = await migrateLocal(env);
  if (migrated !== 0) return migrated;
  const { result } = concurrently(
    services.map((s) => ({ ...s, command: `npm run dev --silent -w services/${s.name}`, env })),
    { killOthersOn: ["failure"], restartTries: 0, prefix: "name" },
  );
  return result.then(
    () => 0,
    () => 1,
  );
}

main().then((code) => process.exit(code));
