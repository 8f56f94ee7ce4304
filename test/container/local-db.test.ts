// The quick start on a machine with a container runtime and no MySQL: `npm run migrate` (the first
// half of `npm run dev`) starts compose.yaml's db, migrates it, and `npm run db:down` / `db:reset`
// stop it with and without its data. Compose is the machine's (docker compose, or podman's compose:
// podman-compose here); the image is the MariaDB stand-in tagged mysql:8.4
// (scripts/containers/mysql-stand-in.sh), because no registry is reachable here.
//
// It runs in a copy of the checkout's scripts and compose.yaml in a fresh folder, so the compose
// project (named after the folder) is this test's own and a developer's own db is never touched.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import mariadb from "mariadb";
import { freePort, runToEnd } from "@gacha/testing";
import { podman, repoRoot, sleep } from "./support/podman";

const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-localdb-"));
const STACK_FRAME = /^\s+at\s/m;
let dbPort = 0;

const node = (args: string[], env: NodeJS.ProcessEnv, timeoutMs = 240_000) =>
  runToEnd(process.execPath, args, { cwd: checkout, env, timeoutMs });

/** A newcomer's environment: no database URL of their own; the local port moved off 3306. */
function quickStartEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(repoRoot, "scripts/containers/containers.conf"),
    GACHA_DB_PORT: String(dbPort),
  };
  delete env.GACHA_DATABASE_URL;
  delete env.ITEM_DATABASE_URL;
  return { ...env, ...extra };
}

async function tablesOf(database: string, waitMs = 0): Promise<string[] | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const conn = await mariadb.createConnection({
        host: "127.0.0.1",
        port: dbPort,
        user: "root",
        connectTimeout: 2_000,
      });
      try {
        const rows = await conn.query<{ t: string }[]>(
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
          [database],
        );
        return rows.map((r) => r.t);
      } finally {
        await conn.end();
      }
    } catch {
      if (Date.now() >= until) return undefined;
      await sleep(500);
    }
  }
}

/** The running containers of this test's compose project. */
async function dbContainers(): Promise<string[]> {
  const composeFile = path.join(checkout, "compose.yaml");
  const r = await podman([
    "ps",
    "--format",
    "{{.Names}}",
    "--filter",
    `label=com.docker.compose.project.config_files=${composeFile}`,
  ]);
  return r.split("\n").filter(Boolean);
}

beforeAll(async () => {
  const standIn = await runToEnd("bash", ["scripts/containers/mysql-stand-in.sh"], {
    cwd: repoRoot,
    env: process.env,
    timeoutMs: 600_000,
  });
  expect(standIn).toMatchObject({
    code: 0,
    output: expect.stringContaining("docker.io/library/mysql:8.4 is the MariaDB stand-in"),
  });
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(checkout, "package.json"));
  fs.copyFileSync(path.join(repoRoot, "compose.yaml"), path.join(checkout, "compose.yaml"));
  fs.cpSync(path.join(repoRoot, "scripts"), path.join(checkout, "scripts"), { recursive: true });
  for (const dir of ["node_modules", "packages", "prisma", "services"])
    fs.symlinkSync(path.join(repoRoot, dir), path.join(checkout, dir));
  dbPort = await freePort();
}, 660_000);

afterAll(async () => {
  await node(["scripts/local-db.js", "reset"], quickStartEnv(), 120_000);
  // podman-compose 1.0's down leaves the project's network behind (docker compose removes it)
  const project = path.basename(checkout).toLowerCase();
  await podman(["network", "rm", "--force", `${project}_default`]).catch(() => undefined);
  fs.rmSync(checkout, { recursive: true, force: true });
}, 180_000);

it("when nothing answers on the local default address, then npm run migrate starts compose.yaml's db on 127.0.0.1 only, says how to stop it, and migrates", async () => {
  const r = await node(["scripts/migrate-local.js"], quickStartEnv());
  expect(r).toMatchObject({
    code: 0,
    output: expect.stringMatching(
      new RegExp(
        `Started MySQL 8\\.4 \\(compose\\.yaml, service db; data in a named volume\\) on 127\\.0\\.0\\.1:${dbPort}\\. .*` +
          "`npm run db:down` stops it and keeps the data, `npm run db:reset` stops it and deletes the data",
      ),
    ),
  });
  const [container] = await dbContainers();
  expect(container).toBeDefined();
  // published on loopback only: a café network cannot reach the passwordless root
  expect(await podman(["port", container!, "3306/tcp"])).toBe(`127.0.0.1:${dbPort}`);
  expect(await tablesOf("gacha")).toEqual(expect.arrayContaining(["draws", "_prisma_migrations"]));
  expect(await tablesOf("item")).toEqual(expect.arrayContaining(["inventories", "_prisma_migrations"]));
});

it("when the db already runs, then npm run migrate uses it and starts nothing", async () => {
  const r = await node(["scripts/migrate-local.js"], quickStartEnv());
  expect(r.code).toBe(0);
  expect(r.output).not.toMatch(/starting MySQL|Started MySQL/);
  expect(r.output).toMatch(/\[migrate GACHA_DATABASE_URL\] database schema is up to date/);
});

it("when the user set another database address, then nothing is started for it and the message names that address", async () => {
  const elsewhere = await freePort();
  const before = await dbContainers();
  const r = await node(
    ["scripts/migrate-local.js"],
    quickStartEnv({
      GACHA_DATABASE_URL: `mysql://root@127.0.0.1:${elsewhere}/gacha`,
      ITEM_DATABASE_URL: `mysql://root@127.0.0.1:${elsewhere}/item`,
      MIGRATE_DATABASE_WAIT_SECONDS: "1",
    }),
  );
  expect(r.code).toBe(1);
  expect(r.output).toMatch(new RegExp(`the database at 127\\.0\\.0\\.1:${elsewhere} did not accept a connection`));
  expect(r.output).not.toMatch(/starting MySQL/);
  expect(r.output).not.toMatch(STACK_FRAME);
  expect(await dbContainers()).toEqual(before);
});

it("when npm run db:down runs, then the db stops and db:up brings it back with its data", async () => {
  const down = await node(["scripts/local-db.js", "down"], quickStartEnv());
  expect(down).toMatchObject({
    code: 0,
    output: expect.stringContaining("stopped; its data is kept in the named volume"),
  });
  expect(await dbContainers()).toEqual([]);
  expect(await tablesOf("gacha")).toBeUndefined();
  expect((await node(["scripts/local-db.js", "up"], quickStartEnv())).code).toBe(0);
  expect(await tablesOf("gacha", 120_000)).toEqual(expect.arrayContaining(["draws", "_prisma_migrations"]));
});

it("when npm run db:reset runs, then the data is gone and the next start is a fresh server", async () => {
  const reset = await node(["scripts/local-db.js", "reset"], quickStartEnv());
  expect(reset).toMatchObject({ code: 0, output: expect.stringContaining("stopped and its data deleted") });
  expect((await node(["scripts/local-db.js", "up"], quickStartEnv())).code).toBe(0);
  expect(await tablesOf("gacha", 120_000)).toEqual([]);
});
