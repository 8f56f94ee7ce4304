// The quick start's expected failures, as a newcomer meets them: `npm run dev`, `npm run migrate`
// and each service's start, run as child processes. Each must end with one plain message naming
// the cause and the fix, a non-zero exit, and no stack trace.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort, runToEnd, TEST_SERVER_URL, type Finished } from "@gacha/testing";

const root = path.resolve(__dirname, "../..");
const STACK_FRAME = /^\s+at\s/m;

type Run = Finished;

/** Runs `node args…` (or another binary) to its end. */
const run = (args: string[], env: NodeJS.ProcessEnv, opts: { cwd?: string; node?: string } = {}) =>
  runToEnd(opts.node ?? process.execPath, args, { cwd: opts.cwd ?? root, env, timeoutMs: 60_000 });

function expectOneMessage(r: Run, message: RegExp): void {
  expect({ code: r.code, output: r.output }).toEqual({ code: 1, output: expect.stringMatching(message) });
  expect(r.output).not.toMatch(STACK_FRAME);
}

/** A port held by this test until release(). */
async function holdPort(): Promise<{ port: number; release: () => Promise<unknown> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, release: () => new Promise((resolve) => server.close(resolve)) };
}

/** The environment of someone at a terminal, with every port npm run dev uses moved to a free one. */
async function devEnv(extra: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["GACHA_DATABASE_URL", "ITEM_DATABASE_URL", "HOST", "GRPC_HOST", "WEB_HOST", "DEV_HOST"])
    delete env[name];
  for (const name of ["PORT", "GACHA_GRPC_PORT", "ITEM_GRPC_PORT", "WEB_PORT", "METRICS_PORT"])
    env[name] = String(await freePort());
  return { ...env, LOG_FORMAT: "json", ...extra };
}

const scripts = {
  "npm run dev": "scripts/dev.js",
  "npm run migrate": "scripts/migrate-local.js",
} as const;
const commands = Object.keys(scripts) as (keyof typeof scripts)[];

describe.each(commands)("%s", (command) => {
  const script = scripts[command];

  it("when the configured database does not answer, then it says so once, starts no container and exits 1", async () => {
    const closed = await freePort();
    const r = await run(
      [script],
      await devEnv({
        GACHA_DATABASE_URL: `mysql://root@127.0.0.1:${closed}/gacha`,
        ITEM_DATABASE_URL: `mysql://root@127.0.0.1:${closed}/item`,
        MIGRATE_DATABASE_WAIT_SECONDS: "1",
      }),
    );
    expectOneMessage(
      r,
      new RegExp(
        `the database at 127\\.0\\.0\\.1:${closed} did not accept a connection .*Is it running and reachable\\?`,
      ),
    );
    // another address than the local default: never replaced by a container
    expect(r.output).not.toMatch(/starting MySQL/);
  });

  it("when nothing answers on the local default address and there is no Docker or podman, then it says what to install or set", async () => {
    const port = await freePort();
    // a PATH with node alone: no docker, docker-compose, podman or podman-compose
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-nodeonly-"));
    fs.symlinkSync(process.execPath, path.join(bin, "node"));
    const r = await run([script], await devEnv({ GACHA_DB_PORT: String(port), PATH: bin }));
    expectOneMessage(
      r,
      new RegExp(
        `Nothing answers on 127\\.0\\.0\\.1:${port} and neither Docker Compose nor podman was found to start one: install Docker .*set GACHA_DATABASE_URL and ITEM_DATABASE_URL`,
      ),
    );
  });

  it("when the password is wrong, then it names the refused user and says to check the URL", async () => {
    const url = new URL(TEST_SERVER_URL);
    url.password = "not-the-password";
    url.username = url.username || "root";
    const wrong = (db: string) => Object.assign(new URL(url), { pathname: `/${db}` }).toString();
    const r = await run(
      [script],
      await devEnv({
        GACHA_DATABASE_URL: wrong("gacha"),
        ITEM_DATABASE_URL: wrong("item"),
        MIGRATE_DATABASE_WAIT_SECONDS: "1",
      }),
    );
    expectOneMessage(
      r,
      new RegExp(
        `refuses user ${url.username}: .*Access denied.*check the user, password and database name in the URL`,
      ),
    );
  });

  it("when the dependencies are not installed, then it says to run npm install", async () => {
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-noinstall-"));
    fs.copyFileSync(path.join(root, "package.json"), path.join(checkout, "package.json"));
    fs.cpSync(path.join(root, "scripts"), path.join(checkout, "scripts"), { recursive: true });
    const r = await run([script], await devEnv({}), { cwd: checkout });
    expectOneMessage(
      r,
      /the dependencies are not installed \(.+ is missing from node_modules\): run `npm install` in /,
    );
  });
});

// An installed Node older than package.json's engines, if this machine has one (Debian's is 20).
const engines = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { engines: { node: string } })
  .engines.node;
const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find((candidate) => {
  if (!fs.existsSync(candidate)) return false;
  const r = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" });
  const [major, minor] = String(r.stdout).trim().split(".").map(Number);
  const [wantMajor, wantMinor] = engines
    .replace(/^>=\s*/, "")
    .split(".")
    .map(Number);
  return major! < wantMajor! || (major === wantMajor && minor! < (wantMinor ?? 0));
});

describe.each(commands)("%s on an old Node", (command) => {
  (oldNode ? it : it.skip)(
    oldNode
      ? "when Node is older than engines, then it names both versions and how to switch"
      : "skipped: no Node older than engines at /usr/bin/node or /usr/local/bin/node to run it with",
    async () => {
      const r = await run([scripts[command]], await devEnv({}), { node: oldNode! });
      expectOneMessage(
        r,
        new RegExp(
          `${command} needs Node\\.js ${engines} .*but this is Node v[\\d.]+ at ${oldNode}: switch with \`nvm use\``,
        ),
      );
    },
  );
});

describe("npm run dev", () => {
  it.each([
    ["PORT", "the gateway \\(HTTP\\)"],
    ["GACHA_GRPC_PORT", "gacha \\(gRPC\\)"],
    ["ITEM_GRPC_PORT", "item \\(gRPC\\)"],
    ["WEB_PORT", "the web page \\(Vite\\)"],
  ])(
    "when the port of %s is taken, then it names the port, who needs it and the variable, before starting anything",
    async (variable, what) => {
      const held = await holdPort();
      try {
        const r = await run(["scripts/dev.js"], await devEnv({ [variable]: String(held.port) }));
        expectOneMessage(
          r,
          new RegExp(
            `port ${held.port} on 127\\.0\\.0\\.1, for ${what}, is already in use .*set ${variable} to a free port`,
          ),
        );
        expect(r.output).not.toMatch(/\[migrate /);
      } finally {
        await held.release();
      }
    },
  );
});

describe("a service's start", () => {
  const services: { name: string; variable: string; env: Record<string, string> }[] = [
    { name: "gateway", variable: "PORT", env: { HOST: "127.0.0.1" } },
    { name: "gacha", variable: "GACHA_GRPC_PORT", env: { GRPC_HOST: "127.0.0.1" } },
    { name: "item", variable: "ITEM_GRPC_PORT", env: { GRPC_HOST: "127.0.0.1" } },
    { name: "item", variable: "METRICS_PORT", env: { GRPC_HOST: "127.0.0.1", ITEM_GRPC_PORT: "0" } },
  ];
  it.each(services)("when $name's $variable is taken, then it names the port and the variable", async (s) => {
    const held = await holdPort();
    try {
      // as nodemon starts it (services/<name>/nodemon.json)
      const r = await run(
        ["--conditions=development", "--require=tsx/cjs", "src/main.ts"],
        await devEnv({
          ...s.env,
          [s.variable]: String(held.port),
          GACHA_DATABASE_URL: TEST_SERVER_URL,
          ITEM_DATABASE_URL: TEST_SERVER_URL,
        }),
        { cwd: path.join(root, "services", s.name) },
      );
      expectOneMessage(
        r,
        new RegExp(
          `${s.name}: port ${held.port} on 127\\.0\\.0\\.1 is already in use: stop the process that holds it .*set ${s.variable} to a free port`,
        ),
      );
    } finally {
      await held.release();
    }
  });
});

describe.each(["gacha", "item", "gateway"])("npm run dev -w services/%s on an old Node", (service) => {
  (oldNode ? it : it.skip)(
    oldNode
      ? "when Node is older than engines, then its predev says so before nodemon starts"
      : "skipped: no Node older than engines at /usr/bin/node or /usr/local/bin/node to run it with",
    async () => {
      const env = await devEnv({ PATH: `${path.dirname(oldNode!)}${path.delimiter}${process.env.PATH}` });
      const r = await runToEnd("npm", ["run", "dev", "-w", `services/${service}`], {
        cwd: root,
        env,
        timeoutMs: 60_000,
      });
      expectOneMessage(
        r,
        new RegExp(`npm run dev needs Node\\.js ${engines} .*but this is Node v[\\d.]+ at ${oldNode}`),
      );
      expect(r.output).not.toMatch(/\[nodemon\]/);
    },
  );
});
