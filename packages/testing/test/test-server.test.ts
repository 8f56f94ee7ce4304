// Which server the integration tests get, seen as a developer sees it: jest run as a child process.
// The Testcontainers path itself needs a container runtime: test/container/testcontainers.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort as closedPort, runToEnd, TEST_SERVER_URL } from "@gacha/testing";

const root = path.resolve(__dirname, "../../..");

const runJest = (env: NodeJS.ProcessEnv) =>
  runToEnd(
    process.execPath,
    ["node_modules/jest/bin/jest.js", "--config", "jest.config.js", "--ci", "services/item/test/config.test.ts"],
    { cwd: root, env, timeoutMs: 60_000 },
  );

// Testcontainers also looks at /var/run/docker.sock, which no variable can hide.
const systemDocker = fs.existsSync("/var/run/docker.sock");

(systemDocker ? it.skip : it)(
  systemDocker
    ? "skipped: /var/run/docker.sock exists, so this machine cannot be made to look as if it had no container runtime"
    : "when nothing answers at TEST_DATABASE_URL and there is no container runtime, then jest stops at once with one sentence saying what to install or set",
  async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "gacha-noruntime-"));
    const port = await closedPort();
    const r = await runJest({
      ...process.env,
      TEST_DATABASE_URL: `mysql://root@127.0.0.1:${port}/test`,
      // no Docker socket anywhere Testcontainers looks: DOCKER_HOST, ~/.docker, $XDG_RUNTIME_DIR
      DOCKER_HOST: `unix://${path.join(home, "no-docker.sock")}`,
      HOME: home,
      XDG_RUNTIME_DIR: home,
    });
    expect(r.code).toBe(1);
    expect(r.output.trim()).toBe(
      `The integration tests need MySQL: nothing answers at 127.0.0.1:${port} (TEST_DATABASE_URL) (ECONNREFUSED) and ` +
        "Testcontainers found no container runtime: start Docker (or podman's Docker-compatible socket with DOCKER_HOST), " +
        "or run MySQL 8 / MariaDB 10.11 there, or set TEST_DATABASE_URL to a server that runs.",
    );
    expect(r.ms).toBeLessThan(20_000);
  },
);

it("when the server at TEST_DATABASE_URL answers but refuses the login, then jest stops at once with one sentence, without starting a container", async () => {
  const url = new URL(TEST_SERVER_URL);
  url.username = url.username || "root";
  url.password = "not-the-password";
  const r = await runJest({
    ...process.env,
    TEST_DATABASE_URL: url.toString(),
    DOCKER_HOST: "unix:///nonexistent.sock",
  });
  expect(r.code).toBe(1);
  expect(r.output.trim()).toMatch(
    new RegExp(
      `^The MySQL server at ${url.hostname}:${url.port || 3306} \\(TEST_DATABASE_URL\\) answers but refuses the tests' login \\(Access denied[^\\n]*\\): fix the user or password in TEST_DATABASE_URL\\.$`,
    ),
  );
});
