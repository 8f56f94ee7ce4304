// The integration tests on a machine with a container runtime and no MySQL server: jest's
// globalSetup (packages/testing/src/global-setup.ts) starts mysql:8.4 through Testcontainers and
// the suites run against it. The runtime is podman's Docker-compatible API (`podman system
// service`) reached through DOCKER_HOST; the image is the MariaDB stand-in tagged mysql:8.4
// (scripts/containers/mysql-stand-in.sh), since no registry is reachable here. Ryuk, Testcontainers'
// reaper, is an image too, so it is off and globalTeardown removes the container itself.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort as closedPort, runToEnd } from "@gacha/testing";
import { podman, repoRoot, sleep } from "./support/podman";

const run = (command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number) =>
  runToEnd(command, args, { cwd: repoRoot, env, timeoutMs });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-ct-testcontainers-"));
const socket = path.join(dir, "podman.sock");
let service: ChildProcess | undefined;

const testcontainersContainers = async () =>
  (await podman(["ps", "-a", "--quiet", "--filter", "label=org.testcontainers=true"])).split("\n").filter(Boolean);

beforeAll(async () => {
  const standIn = await run("bash", ["scripts/containers/mysql-stand-in.sh"], process.env, 600_000);
  expect(standIn).toMatchObject({ code: 0, output: expect.stringContaining("mysql:8.4 is the MariaDB stand-in") });
  const env = {
    ...process.env,
    CONTAINERS_CONF: process.env.CONTAINERS_CONF ?? path.join(repoRoot, "scripts/containers/containers.conf"),
  };
  service = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], { env, stdio: "ignore" });
  for (let i = 0; i < 100 && !fs.existsSync(socket); i++) await sleep(100);
  expect(fs.existsSync(socket)).toBe(true);
}, 660_000);

afterAll(async () => {
  service?.kill("SIGTERM");
  fs.rmSync(dir, { recursive: true, force: true });
});

it("when no MySQL answers at TEST_DATABASE_URL but a container runtime does, then the integration tests run against mysql:8.4 from Testcontainers, removed afterwards", async () => {
  const before = await testcontainersContainers();
  const port = await closedPort();
  const r = await run(
    process.execPath,
    [
      "node_modules/jest/bin/jest.js",
      "--config",
      "jest.config.js",
      "--ci",
      "packages/migrate/test/migrate.test.ts",
      "services/item/test/item-service.test.ts",
    ],
    {
      ...process.env,
      TEST_DATABASE_URL: `mysql://root@127.0.0.1:${port}/test`,
      DOCKER_HOST: `unix://${socket}`,
      TESTCONTAINERS_RYUK_DISABLED: "true",
    },
    600_000,
  );
  expect(r.output).toContain(
    `Nothing answers at 127.0.0.1:${port} (TEST_DATABASE_URL): starting mysql:8.4 with Testcontainers for this run.`,
  );
  expect(r.output).toMatch(/Test Suites: 2 passed, 2 total/);
  expect(r.code).toBe(0);
  expect(await testcontainersContainers()).toEqual(before);
}, 660_000);
