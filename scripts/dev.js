#!/usr/bin/env node
// `npm run dev`: the three services on this machine, each under nodemon + tsx,
// so saving a .ts file restarts only the service it belongs to (a change in
// packages/ restarts all of them). Run `npm run migrate` first (npm run dev does).
"use strict";
const concurrently = require("concurrently").default ?? require("concurrently");
const { ensureDevSigningKey } = require("./dev-signing-key");

// Defaults for a person at a terminal; anything already set wins.
const env = {
  LOG_FORMAT: "pretty",
  GRPC_REFLECTION: "true",
  AUTH_SIGNING_KEY_FILE: process.env.AUTH_SIGNING_KEY_FILE ?? ensureDevSigningKey(),
  ...process.env,
};
const services = [
  { name: "item", prefixColor: "blue" },
  { name: "gacha", prefixColor: "magenta" },
  { name: "gateway", prefixColor: "green" },
  // sign-up, sign-in and the JWKS on 127.0.0.1:8081 (the page reaches it through Vite's /auth proxy)
  { name: "auth", prefixColor: "yellow" },
  // Vite's dev server on 127.0.0.1:5173 (HMR), proxying the API paths to the gateway
  { name: "web", prefixColor: "cyan" },
];
const { result } = concurrently(
  services.map((s) => ({ ...s, command: `npm run dev --silent -w services/${s.name}`, env })),
  { killOthersOn: ["failure"], restartTries: 0, prefix: "name" },
);
result.then(
  () => process.exit(0),
  () => process.exit(1),
);
