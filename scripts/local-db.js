#!/usr/bin/env node
// The quick start's database. When nothing answers on the local default address (127.0.0.1:3306,
// or GACHA_DB_PORT), `npm run dev` and `npm run migrate` start the `db` service of compose.yaml
// (MySQL 8.4, data in a named volume) with the user's Docker, or podman where only podman exists.
// A database URL the user pointed elsewhere is never replaced by a container.
//
//   node scripts/local-db.js up|down|reset    (npm run db:up, db:down, db:reset)
//
// Node built-ins only: it runs before anything else of `npm run dev`.
"use strict";
const { spawnSync } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const COMPOSE_FILE = path.join(root, "compose.yaml");
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const PROBE_TIMEOUT_MS = 1_000;
// `docker compose version` answers from the client alone; a hung CLI must not hang `npm run dev`.
const VERSION_TIMEOUT_MS = 10_000;

/** An expected failure: printed as one message, never with a stack trace. */
class LocalDbError extends Error {}

/** The host port compose.yaml publishes the database on (GACHA_DB_PORT, default 3306). */
function localDbPort(env = process.env) {
  const raw = env.GACHA_DB_PORT ?? "3306";
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new LocalDbError(`GACHA_DB_PORT must be a port number (1-65535), got ${JSON.stringify(raw)}.`);
  }
  return port;
}

/** The URLs `npm run dev` and `npm run migrate` use: the user's, else the local database's. */
function databaseUrls(env = process.env) {
  const port = localDbPort(env);
  return {
    GACHA_DATABASE_URL: env.GACHA_DATABASE_URL ?? `mysql://root@127.0.0.1:${port}/gacha`,
    ITEM_DATABASE_URL: env.ITEM_DATABASE_URL ?? `mysql://root@127.0.0.1:${port}/item`,
    AUTH_DATABASE_URL: env.AUTH_DATABASE_URL ?? `mysql://root@127.0.0.1:${port}/auth`,
  };
}

function address(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 3306) };
}

const isLocalDefault = (addr, env) => LOCAL_HOSTS.has(addr.host) && addr.port === localDbPort(env);

/** Whether something accepts a TCP connection at host:port within the timeout. */
function answers({ host, port }, timeoutMs = PROBE_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: host.replace(/^\[|\]$/g, ""), port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

// In order of preference. `wait`: the command knows `up --wait` (waits for the health check);
// the others only start the container, and the migrator then waits for the server to answer.
const COMPOSE_CANDIDATES = [
  { command: "docker", args: ["compose"], wait: true },
  { command: "docker-compose", args: [], wait: true, versionMustMatch: /^v?[2-9]\./ }, // Compose v2 standalone
  { command: "podman", args: ["compose"], wait: false },
  { command: "podman-compose", args: [], wait: false },
];

/**
 * Whether compose.yaml's db container runs under podman. podman-compose 1.0.x exits 0 even when
 * `podman run` failed (an image it cannot pull, a taken port), so its exit status proves nothing.
 * The labels are the ones every Compose implementation sets.
 */
function podmanRunsDb(env) {
  const r = spawnSync(
    "podman",
    [
      "ps",
      "--quiet",
      "--filter",
      "label=com.docker.compose.service=db",
      "--filter",
      `label=com.docker.compose.project.config_files=${COMPOSE_FILE}`,
    ],
    { env, encoding: "utf8", timeout: VERSION_TIMEOUT_MS },
  );
  return r.status === 0 && r.stdout.trim() !== "";
}

/** The first compose command that runs here, or undefined. */
function findCompose(env = process.env) {
  for (const c of COMPOSE_CANDIDATES) {
    const version = c.versionMustMatch ? ["version", "--short"] : ["version"];
    const r = spawnSync(c.command, [...c.args, ...version], { env, encoding: "utf8", timeout: VERSION_TIMEOUT_MS });
    if (r.error || r.status !== 0) continue;
    if (c.versionMustMatch && !c.versionMustMatch.test(r.stdout.trim())) continue;
    return { ...c, name: [c.command, ...c.args].join(" ") };
  }
  return undefined;
}

function runCompose(compose, args, env) {
  const full = [...compose.args, "-f", COMPOSE_FILE, ...args];
  const r = spawnSync(compose.command, full, { cwd: root, env, stdio: "inherit" });
  const shown = `${compose.name} ${args.join(" ")}`;
  if (r.error) throw new LocalDbError(`\`${shown}\` could not run: ${r.error.message}.`);
  const failed = r.status !== 0 || (args[0] === "up" && !compose.wait && !podmanRunsDb(env));
  if (failed) {
    throw new LocalDbError(
      `\`${shown}\` failed (${r.status === 0 ? "no db container runs" : `exit ${r.status ?? r.signal}`}; its output is above). ` +
        `Is ${compose.command === "docker" || compose.command === "docker-compose" ? "Docker" : "podman"} running? ` +
        `Or start a MySQL 8 server yourself and point GACHA_DATABASE_URL and ITEM_DATABASE_URL at it.`,
    );
  }
}

function requireCompose(env, why) {
  const compose = findCompose(env);
  if (!compose) {
    throw new LocalDbError(
      `${why} and neither Docker Compose nor podman was found to start one: install Docker (or podman), ` +
        `or start a MySQL 8 server on 127.0.0.1:${localDbPort(env)} yourself, ` +
        `or set GACHA_DATABASE_URL and ITEM_DATABASE_URL to one that runs.`,
    );
  }
  return compose;
}

// A first start initialises the data directory (about 30 s); past this, something is wrong.
const WAIT_TIMEOUT_SECONDS = 180;
const upArgs = (compose) => [
  "up",
  "-d",
  ...(compose.wait ? ["--wait", "--wait-timeout", String(WAIT_TIMEOUT_SECONDS)] : []),
  "db",
];

/**
 * Starts compose.yaml's db when nothing answers on the local default address and every
 * database URL in effect points there. Returns { started, compose }.
 */
async function ensureLocalDatabase(env = process.env, log = console.log) {
  const port = localDbPort(env);
  const addrs = Object.values(databaseUrls(env)).map(address);
  const silent = [];
  for (const a of addrs) if (!(await answers(a))) silent.push(a);
  if (silent.length === 0) return { started: false };
  // The user's own server, still starting or elsewhere: never replaced by a container.
  if (!silent.every((a) => isLocalDefault(a, env))) return { started: false };
  const compose = requireCompose(env, `Nothing answers on 127.0.0.1:${port}`);
  const args = upArgs(compose);
  log(`Nothing answers on 127.0.0.1:${port}: starting MySQL 8.4 with \`${compose.name} ${args.join(" ")}\``);
  runCompose(compose, args, env);
  log(
    `Started MySQL 8.4 (compose.yaml, service db; data in a named volume) on 127.0.0.1:${port}. ` +
      `It keeps running after npm run dev stops: \`npm run db:down\` stops it and keeps the data, ` +
      `\`npm run db:reset\` stops it and deletes the data.`,
  );
  return { started: true, compose };
}

const COMMANDS = {
  up: { args: upArgs, done: "started" },
  down: { args: () => ["down"], done: "stopped; its data is kept in the named volume" },
  reset: { args: () => ["down", "--volumes"], done: "stopped and its data deleted" },
};

function main(argv) {
  const command = COMMANDS[argv[0]];
  if (!command) {
    console.error("usage: node scripts/local-db.js up|down|reset");
    return 2;
  }
  const compose = requireCompose(process.env, `\`npm run db:${argv[0]}\` needs a container runtime`);
  runCompose(compose, command.args(compose), process.env);
  console.log(`The local database (compose.yaml, service db) is ${command.done}.`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof LocalDbError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}

module.exports = { LocalDbError, databaseUrls, ensureLocalDatabase, findCompose, localDbPort, isLocalDefault };
