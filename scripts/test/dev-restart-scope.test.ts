// README, quick start: under `npm run dev`, saving a file under
// services/<name>/src restarts only that service; a change under packages/
// restarts all three. Each service runs exactly as scripts/dev.js starts it
// (`npm run dev -w services/<name>`: nodemon with the service's nodemon.json),
// on fresh databases and port 0, so nothing here collides with a running dev stack.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createDatabases } from "../../test/faults/support";
import type { TestDatabase } from "@gacha/testing";

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "../..");
const SERVICES = ["item", "gacha", "gateway"] as const;
type Service = (typeof SERVICES)[number];
const LISTENING = /"msg":"(gRPC server|gateway) listening"/g;
const RESTARTING = /\[nodemon\] restarting due to changes/g;

interface Running {
  child: ChildProcess;
  output: string;
  exited: Promise<unknown>;
}
const running = new Map<Service, Running>();
const probes: string[] = [];
let dbs: { gachaDb: TestDatabase; itemDb: TestDatabase } | undefined;

const count = (svc: Service, pattern: RegExp) => (running.get(svc)!.output.match(pattern) ?? []).length;
const counts = (pattern: RegExp) => Object.fromEntries(SERVICES.map((s) => [s, count(s, pattern)]));

async function until(what: string, cond: () => boolean, timeoutMs = 45_000) {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) {
      const logs = SERVICES.map((s) => `--- ${s}\n${running.get(s)?.output.slice(-2000)}`).join("\n");
      throw new Error(`timed out waiting for ${what}\n${logs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Saves a new .ts file in `dir` (nodemon watches for new files as for edits); removed after the suite. */
function save(dir: string) {
  const file = path.join(ROOT, dir, `restart-probe-${process.pid}-${probes.length}.ts`);
  probes.push(file);
  fs.writeFileSync(file, "// written by scripts/test/dev-restart-scope.test.ts; safe to delete\nexport {};\n");
}

beforeAll(async () => {
  dbs = await createDatabases("devrestart");
  const env = {
    ...process.env,
    LOG_FORMAT: "json",
    LOG_LEVEL: "info",
    GRPC_HOST: "127.0.0.1",
    HOST: "127.0.0.1",
    ITEM_GRPC_PORT: "0",
    GACHA_GRPC_PORT: "0",
    PORT: "0",
    METRICS_PORT: "0",
    ITEM_DATABASE_URL: dbs.itemDb.url,
    GACHA_DATABASE_URL: dbs.gachaDb.url,
    // nothing calls across services here; the addresses only have to be valid
    ITEM_SERVICE_ADDR: "127.0.0.1:1",
    GACHA_SERVICE_ADDR: "127.0.0.1:1",
    OTEL_EXPORTER_OTLP_ENDPOINT: "",
  };
  for (const svc of SERVICES) {
    // its own process group, so the whole npm → nodemon → node chain can be stopped
    const child = spawn("npm", ["run", "dev", "--silent", "-w", `services/${svc}`], {
      cwd: ROOT,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const r: Running = { child, output: "", exited: new Promise((resolve) => child.once("exit", resolve)) };
    child.stdout!.on("data", (d: Buffer) => (r.output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (r.output += d.toString()));
    running.set(svc, r);
  }
  await until("all three services to listen", () => SERVICES.every((s) => count(s, LISTENING) === 1));
});

afterAll(async () => {
  for (const r of running.values()) {
    if (r.child.exitCode === null && r.child.pid) process.kill(-r.child.pid, "SIGTERM");
  }
  await Promise.all([...running.values()].map((r) => r.exited));
  for (const f of probes) fs.rmSync(f, { force: true });
  await Promise.all([dbs?.gachaDb.drop(), dbs?.itemDb.drop()]);
});

it("when a file under services/item/src is saved, then only item restarts", async () => {
  save("services/item/src");
  await until("item to restart and listen again", () => count("item", LISTENING) === 2);
  // A wrongly triggered restart shows at once as nodemon's line; item took a whole start meanwhile.
  expect(counts(RESTARTING)).toEqual({ item: 1, gacha: 0, gateway: 0 });
  expect(counts(LISTENING)).toEqual({ item: 2, gacha: 1, gateway: 1 });
});

it("when a file under services/gateway/src is saved, then only the gateway restarts", async () => {
  save("services/gateway/src");
  await until("the gateway to restart and listen again", () => count("gateway", LISTENING) === 2);
  expect(counts(RESTARTING)).toEqual({ item: 1, gacha: 0, gateway: 1 });
});

it("when a file under packages/ is saved, then all three restart", async () => {
  const before = counts(LISTENING);
  save("packages/runtime/src");
  await until("all three to restart and listen again", () =>
    SERVICES.every((s) => count(s, LISTENING) === before[s]! + 1),
  );
  expect(counts(RESTARTING)).toEqual({ item: 2, gacha: 1, gateway: 2 });
});
