// The migration Job's own command against a database that is not there yet
// (the first deploy on a cold cluster). The command and its arguments, the
// database wait included, are read from the manifests, as the dev overlay runs them.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import YAML from "yaml";
import { parseDatabaseUrl } from "@gacha/database";
import { createTestDatabase, migrationsDir, TEST_SERVER_URL, type TestDatabase } from "@gacha/testing";
import { readMigrations } from "../src/migrations-folder";

const repoRoot = path.resolve(__dirname, "../../..");
// after the Job's first failed attempt (its start is slow and varies: tsx, a busy machine)
const DB_APPEARS_AFTER_MS = 4_000;

interface JobContainer {
  command: string[];
  args: string[];
  env: Record<string, string>;
}

/** gacha-migrate's container in the dev overlay: the dev patch's command, the base's args and literal env values. */
function gachaMigrateJob(): JobContainer {
  const read = (rel: string) => readFileSync(path.join(repoRoot, rel), "utf8");
  const base = YAML.parse(read("k8s/base/gacha/migrate-job.yaml"));
  const patch = YAML.parse(read("k8s/overlays/dev/gacha/migrate-job.yaml"));
  const container = base.spec.template.spec.containers[0];
  const env: { name: string; value?: string }[] = container.env;
  return {
    command: patch.spec.template.spec.containers[0].command,
    args: container.args,
    env: Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!])),
  };
}

interface Run {
  code: number | null;
  output: string;
  /** From the first "waiting"/"cannot check" line (the CLI has started) to the exit. */
  waitedMs: number;
}

/**
 * Runs a container command from the repository root (the image's /app), killed
 * after `limitMs`; `onFirstWait` is called when it first reports waiting.
 */
function run(command: string[], env: Record<string, string>, limitMs: number, onFirstWait = () => {}): Promise<Run> {
  const [bin, ...args] = command;
  let firstWaitAt: number | undefined;
  let output = "";
  const child = spawn(bin === "node" ? process.execPath : bin!, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (firstWaitAt === undefined && /waiting for the database|cannot check/.test(output)) {
      firstWaitAt = Date.now();
      onFirstWait();
    }
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      const now = Date.now();
      resolve({ code, output, waitedMs: now - (firstWaitAt ?? now) });
    });
  });
}

/**
 * Port 1 (tcpmux, a privileged port nothing uses today): nothing listens there, and no
 * unprivileged process can start listening mid-test, as one could on a port freed for the test.
 */
const NOTHING_LISTENS = 1;

/**
 * A TCP proxy to the test database that forwards only once appearIn(ms) has run
 * out: until then it resets every connection (ECONNRESET), as a Service whose
 * MySQL pod is not ready yet. It listens from the start, on a port of its own,
 * so no other process can take that port in the meantime.
 */
async function lateDatabase() {
  const target = parseDatabaseUrl(TEST_SERVER_URL);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  let appeared = false;
  const server = net.createServer((client) => {
    if (!appeared) return void client.resetAndDestroy();
    const upstream = net.connect(target.port!, target.host!);
    track(client);
    track(upstream);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  let timer: NodeJS.Timeout | undefined;
  return {
    port: (server.address() as net.AddressInfo).port,
    appearIn: (ms: number) => {
      timer ??= setTimeout(() => (appeared = true), ms);
    },
    close: async () => {
      clearTimeout(timer);
      for (const s of sockets) s.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The test server's URL for `database`, reached through 127.0.0.1:port. */
function urlThrough(port: number, database: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.host = `127.0.0.1:${port}`;
  u.pathname = `/${database}`;
  return u.toString();
}

describe("the migration Job's command (migrate deploy) on a cold start", () => {
  const job = gachaMigrateJob();
  const databases: TestDatabase[] = [];
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await Promise.all(databases.map((db) => db.drop()));
  });

  it("when the Job is run, then it sets its own database wait (checked against the other waits in k8s/test/migration-waits.test.ts)", () => {
    expect(job.args.slice(0, 5)).toEqual([
      "deploy",
      "--migrations",
      "prisma/gacha/migrations",
      "--url-env",
      "GACHA_DATABASE_URL",
    ]);
    expect(Number(job.args[job.args.indexOf("--wait-for-database") + 1])).toBeGreaterThan(0);
  });

  it("when the database starts accepting connections only after a few seconds, then the Job waits for it, says so, and migrates", async () => {
    const db = await createTestDatabase("late");
    databases.push(db);
    const proxy = await lateDatabase();
    const port = proxy.port;
    closers.push(proxy.close);

    const result = await run(
      [...job.command, ...job.args],
      { ...job.env, GACHA_DATABASE_URL: urlThrough(port, db.name) },
      60_000,
      () => proxy.appearIn(DB_APPEARS_AFTER_MS),
    );

    expect({ code: result.code, output: result.output }).toEqual({ code: 0, output: expect.any(String) });
    expect(result.waitedMs).toBeGreaterThanOrEqual(DB_APPEARS_AFTER_MS);
    expect(result.output).toContain(`waiting for the database at 127.0.0.1:${port}`);
    expect(result.output).toMatch(/ECONNRESET.*retrying/);
    expect(result.output).toMatch(new RegExp(`database at 127\\.0\\.0\\.1:${port} is up \\(attempt \\d+`));
    const applied = await db.query<{ migration_name: string; finished_at: Date | null }>(
      "SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(applied.map((r) => r.migration_name)).toEqual(readMigrations(migrationsDir("gacha")).map((m) => m.name));
    expect(applied.every((r) => r.finished_at instanceof Date)).toBe(true);
  }, 70_000);

  it("when nothing ever listens and the wait is 2 s (flag or environment), then it gives up after about 2 s naming host:port", async () => {
    const port = NOTHING_LISTENS;
    const env = { ...job.env, GACHA_DATABASE_URL: urlThrough(port, "gacha") };
    const at = job.args.indexOf("--wait-for-database");
    const withoutWait = [...job.args.slice(0, at), ...job.args.slice(at + 2)];
    const results = await Promise.all([
      // the flag wins over the environment variable
      run(
        [...job.command, ...withoutWait, "--wait-for-database", "2"],
        { ...env, MIGRATE_DATABASE_WAIT_SECONDS: "300" },
        30_000,
      ),
      run([...job.command, ...withoutWait], { ...env, MIGRATE_DATABASE_WAIT_SECONDS: "2" }, 30_000),
    ]);

    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.output).toContain(`the database at 127.0.0.1:${port} did not accept a connection within 2 s`);
      expect(result.output).toMatch(/last error: .*ECONNREFUSED/);
      expect(result.waitedMs).toBeGreaterThanOrEqual(1_500);
      expect(result.waitedMs).toBeLessThan(5_000);
    }
  }, 40_000);

  it("when the init container's `status --wait 2` finds no database, then it keeps waiting until its deadline, then exits 1", async () => {
    const port = NOTHING_LISTENS;
    const result = await run(
      [
        ...job.command,
        "status",
        "--migrations",
        "prisma/gacha/migrations",
        "--url-env",
        "GACHA_DATABASE_URL",
        "--wait",
        "2",
      ],
      { GACHA_DATABASE_URL: urlThrough(port, "gacha") },
      30_000,
    );

    expect(result.code).toBe(1);
    expect(result.output).toContain(`cannot check 127.0.0.1:${port} yet`);
    expect(result.waitedMs).toBeGreaterThanOrEqual(1_500);
    expect(result.waitedMs).toBeLessThan(5_000);
  }, 40_000);
});
