// Which MySQL server the integration tests use. Loaded by jest's globalSetup, which does not
// apply moduleNameMapper: only relative imports and node_modules here.
import mariadb from "mariadb";
import type { StartedMySqlContainer } from "@testcontainers/mysql";

export const DEFAULT_TEST_DATABASE_URL = "mysql://root@127.0.0.1:3306/test";
/** The image compose.yaml's db and the dev cluster run. */
export const TEST_MYSQL_IMAGE = "mysql:8.4";
const PROBE_TIMEOUT_MS = 3_000;

export type TestServer = { url: string; source: "configured" | "default"; container?: StartedMySqlContainer };

/** An expected failure: the runner prints its message alone and exits. */
export class TestServerError extends Error {}

type Probe = { answers: true } | { answers: false; reason: string } | { refused: string };

/** Connects once, to the server only (tests create their own databases). */
async function probe(url: string): Promise<Probe> {
  const u = new URL(url);
  try {
    const conn = await mariadb.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      connectTimeout: PROBE_TIMEOUT_MS,
      socketTimeout: PROBE_TIMEOUT_MS,
    });
    await conn.end();
    return { answers: true };
  } catch (err) {
    const e = err as { errno?: number; code?: string; sqlMessage?: string; message?: string };
    // A server error number (1000-4999; the driver's own are 45000+, the OS's negative) means it answered.
    if (typeof e.errno === "number" && e.errno >= 1000 && e.errno < 5000)
      return { refused: e.sqlMessage ?? String(e.message) };
    return { answers: false, reason: e.code ?? String(e.message) };
  }
}

/**
 * The configured (TEST_DATABASE_URL) or local server when it answers; otherwise a throwaway
 * MySQL started with Testcontainers; with neither, a TestServerError saying what to install or set.
 */
export async function resolveTestServer(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = console.log,
): Promise<TestServer> {
  const source = env.TEST_DATABASE_URL ? "configured" : "default";
  const url = env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const { host, port } = new URL(url);
  const where = `${host}${port ? "" : ":3306"}${source === "configured" ? " (TEST_DATABASE_URL)" : ""}`;
  const result = await probe(url);
  if ("refused" in result) {
    throw new TestServerError(
      `The MySQL server at ${where} answers but refuses the tests' login (${result.refused}): fix the user or password in TEST_DATABASE_URL.`,
    );
  }
  if (result.answers) return { url, source };

  const { getContainerRuntimeClient } = await import("testcontainers");
  try {
    await getContainerRuntimeClient();
  } catch {
    throw new TestServerError(
      `The integration tests need MySQL: nothing answers at ${where} (${result.reason}) and Testcontainers found no ` +
        `container runtime: start Docker (or podman's Docker-compatible socket with DOCKER_HOST), ` +
        `or run MySQL 8 / MariaDB 10.11 there, or set TEST_DATABASE_URL to a server that runs.`,
    );
  }
  log(`Nothing answers at ${where}: starting ${TEST_MYSQL_IMAGE} with Testcontainers for this run.`);
  const { MySqlContainer } = await import("@testcontainers/mysql");
  let container: StartedMySqlContainer;
  try {
    container = await new MySqlContainer(TEST_MYSQL_IMAGE).start();
  } catch (err) {
    throw new TestServerError(
      `Testcontainers could not start ${TEST_MYSQL_IMAGE} (${err instanceof Error ? err.message : String(err)}): ` +
        `check that the container runtime can pull it and publish ports, or set TEST_DATABASE_URL to a server that runs.`,
    );
  }
  const started = container.getConnectionUri(true);
  log(`Testcontainers: ${TEST_MYSQL_IMAGE} at ${container.getHost()}:${container.getPort()}; removed after the tests.`);
  return { url: started, source, container };
}
